namespace TradingHelper.Api.Market;

/// <summary>
/// Where the prices come from (<c>market</c> is <c>simulated</c> or <c>exchange</c>, NSE through <c>broker</c>), whether
/// the market trades now, and whether the Ingestor's feed streams.
/// </summary>
public sealed record MarketView(string Broker, string Market, MarketSessionView Session, MarketFeedView Feed);
