namespace TradingHelper.AppHost.Tests;

/// <summary>
/// The AppHost with two Ingestors (<c>Parameters:ingestors=2</c>) sharing the subscriptions, in local-executables
/// mode, for <see cref="IngestorFailoverTests"/>. A stack of its own: the test kills one of them.
/// </summary>
public sealed class SharedIngestorsApp : IAsyncLifetime
{
    public const string ApiKey = "apphost-failover-api-key";

    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("tradinghelper-failover-");
    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The stack has not started.");

    public string DataDirectory => _data.FullName;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(LocalTradingApp.StartupTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TradingHelper_AppHost>(
            [
                "Infrastructure:Mode=local",
                $"Infrastructure:DataDirectory={DataDirectory}",
                $"Parameters:api-key={ApiKey}",
                "Parameters:broker=simulator",
                "Parameters:ingestors=2",
                "Watchlist:Starter=false",
            ],
            timeout.Token);
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
        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        try
        {
            _data.Delete(recursive: true);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            // The cluster folder belongs to the postgres user; it is in a temp folder either way.
        }
    }
}
