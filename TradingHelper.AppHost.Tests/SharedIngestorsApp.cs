namespace TradingHelper.AppHost.Tests;

/// <summary>
/// The AppHost with two Ingestors (<c>Parameters:ingestors=2</c>) sharing the subscriptions, in local-executables
/// mode, for <see cref="IngestorFailoverTests"/>. A stack of its own: the test kills one of them.
/// </summary>
public sealed class SharedIngestorsApp() : LocalAppHostFixture("tradinghelper-failover-", ApiKey, enableDashboard: false)
{
    public const string ApiKey = "apphost-failover-api-key";

    protected override IEnumerable<string> Settings => ["Parameters:ingestors=2", "Watchlist:Starter=false"];

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        // A thousand instruments: no five-day history for the subscribe, and the handover's gap backfilled at once and at
        // the fastest pace the Kite client allows, so the test waits for the failover rather than for history.
        builder.CreateResourceBuilder<ProjectResource>("api").WithEnvironment("Api__Subscriptions__HistoryDays", "0");
        // The simulator lists about 190 real instruments; synthetic stocks with their futures make it past a thousand.
        builder.CreateResourceBuilder<ProjectResource>("simulator").WithEnvironment("Simulator__ExtraStocks", "500");
        foreach (var ingestor in new[] { "ingestor", "ingestor-2" })
        {
            builder.CreateResourceBuilder<ProjectResource>(ingestor)
                .WithEnvironment("Backfill__GapSettleDelay", "00:00:00")
                .WithEnvironment("Backfill__ScanInterval", "00:00:01")
                .WithEnvironment("Kite__HistoryRequestsPerSecond", "10");
        }
    }
}
