namespace TradingHelper.AppHost.Tests;

/// <summary>
/// The whole AppHost in local-executables mode with its dashboard, started once for the tests of
/// <see cref="LocalTradingAppGroup"/>.
/// </summary>
public sealed class LocalTradingApp() : LocalAppHostFixture("tradinghelper-apphost-", ApiKey, enableDashboard: true)
{
    public const string ApiKey = "apphost-tests-api-key";
}

[CollectionDefinition(Name)]
public sealed class LocalTradingAppGroup : ICollectionFixture<LocalTradingApp>
{
    public const string Name = "AppHost, local executables";
}
