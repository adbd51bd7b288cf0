namespace TradingHelper.AppHost.Infrastructure;

/// <summary>The two stores every service references, whichever mode runs them.</summary>
/// <param name="Database">Connection name <c>tradingdb</c>: the <c>trading_data</c> database.</param>
/// <param name="Redis">Connection name <c>redis</c>.</param>
internal sealed record DataStores(
    IResourceBuilder<IResourceWithConnectionString> Database,
    IResourceBuilder<IResourceWithConnectionString> Redis);
