extern alias ingestor;

using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TradingHelper.Ingestor.Brokers.Kite;
using TradingHelper.Tests.Infrastructure;
using TradingHelper.Tests.Simulator;
using TradingHelper.Tests.Storage;
using TradingHelper.Tests.Storage.Ticks;

namespace TradingHelper.Tests.Brokers.Kite.Ticker;

/// <summary>
/// The market simulator on a real loopback port, a fresh database, and an Ingestor whose Kite ticker dials the
/// simulator over a real socket and writes into that database.
/// </summary>
internal sealed class TickerRig : IAsyncDisposable
{
    private readonly SimulatorFactory _simulator;
    private readonly TempDirectory _spool = new();
    private readonly Dictionary<string, string?> _settings;
    private IngestorFactory? _ingestor;

    private TickerRig(SimulatorFactory simulator, Uri simulatorUrl, StorageTestDatabase database, string redis, Dictionary<string, string?> settings)
    {
        _simulator = simulator;
        SimulatorUrl = simulatorUrl;
        Database = database;
        Redis = redis;
        _settings = settings;
        Simulator = simulator.CreateClient();
        Simulator.BaseAddress = simulatorUrl;
        Simulator.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", SimulatorFactory.Authorization);
    }

    public Uri SimulatorUrl { get; }

    public HttpClient Simulator { get; }

    public StorageTestDatabase Database { get; }

    public string Redis { get; }

    /// <summary>Live tick channel of this rig alone (pub/sub ignores Redis's logical databases).</summary>
    public string LiveChannel { get; } = $"test:ticks:{Guid.NewGuid():N}";

    public IServiceProvider Services => (_ingestor ?? throw new InvalidOperationException("Start the Ingestor first.")).Services;

    public KiteTicker Ticker => Services.GetRequiredService<KiteTicker>();

    public KiteSession Session => Services.GetRequiredService<KiteSession>();

    public static async Task<TickerRig> StartAsync(TestServers servers, string purpose, int ticksPerSecond, IReadOnlyDictionary<string, string?>? ingestorSettings = null)
    {
        var simulator = new SimulatorFactory(new Dictionary<string, string?>
        {
            ["Simulator:TicksPerSecond"] = ticksPerSecond.ToString(CultureInfo.InvariantCulture),
            ["Simulator:MaxPacketsPerFrame"] = "50",
        });
        var url = simulator.StartOnLoopback();
        var database = await StorageTestDatabase.CreateAsync(servers, purpose);
        var settings = new Dictionary<string, string?>
        {
            ["Broker:Kind"] = "simulator",
            ["Kite:TickerUrl"] = $"ws://127.0.0.1:{url.Port}/",
            ["Kite:ApiKey"] = SimulatorFactory.ApiKey,
            ["Kite:AccessToken"] = SimulatorFactory.AccessToken,
            ["Kite:WatchdogTimeout"] = "00:00:03",
            ["Kite:ReconnectInitialDelay"] = "00:00:00.050",
            ["Kite:ReconnectMaxDelay"] = "00:00:01",
        };
        foreach (var (key, value) in ingestorSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        return new TickerRig(simulator, url, database, servers.Redis.CreateDatabase(), settings);
    }

    /// <summary>Sets an Ingestor setting that needs the simulator's address; call before <see cref="StartIngestor"/>.</summary>
    public void Configure(string key, string? value) => _settings[key] = value;

    /// <summary>Starts the Ingestor host; its ticker dials at once.</summary>
    public void StartIngestor()
    {
        _settings["TickWriter:SpoolDirectory"] = _spool.Path;
        _settings["LiveTicks:Channel"] = LiveChannel;
        _ingestor = new IngestorFactory(Database.ConnectionString, Redis, _settings);
        _ = _ingestor.Services;
    }

    /// <summary>A client of the Ingestor's in-memory HTTP endpoints (/health).</summary>
    public HttpClient CreateIngestorClient() => (_ingestor ?? throw new InvalidOperationException("Start the Ingestor first.")).CreateClient();

    /// <summary>Stops the Ingestor: the ticker closes its sockets and stores what was on the wire, then the writer drains.</summary>
    public async Task StopIngestorAsync()
    {
        if (_ingestor is { } ingestorFactory)
        {
            _ingestor = null;
            await ingestorFactory.DisposeAsync();
        }
    }

    public async Task FaultAsync(string kind, double? seconds = null, int? count = null)
    {
        using var response = await Simulator.PostAsJsonAsync("/_sim/faults", new { kind, seconds, count }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public async Task<SimulatorStatistics> StatsAsync()
    {
        using var document = JsonDocument.Parse(await Simulator.GetStringAsync("/_sim/stats", TestContext.Current.CancellationToken));
        var root = document.RootElement;
        var perToken = root.GetProperty("packetsByToken").EnumerateObject()
            .ToDictionary(property => uint.Parse(property.Name, CultureInfo.InvariantCulture), property => property.Value.GetInt64());
        var connections = root.GetProperty("connections").EnumerateArray().ToList();
        return new SimulatorStatistics(
            perToken,
            [.. connections.Select(connection => connection.GetProperty("subscriptions").GetInt32())],
            [.. connections.Select(connection => connection.GetProperty("heartbeatsSent").GetInt64())]);
    }

    /// <summary>Rows in tick_data per instrument id.</summary>
    public async Task<Dictionary<int, long>> StoredCountsAsync()
    {
        await using var command = Database.DataSource.CreateCommand("SELECT instrument_id, count(*) FROM tick_data GROUP BY instrument_id");
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var counts = new Dictionary<int, long>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            counts[reader.GetInt32(0)] = reader.GetInt64(1);
        }
        return counts;
    }

    public async Task<List<FeedGap>> GapsAsync()
    {
        await using var command = Database.DataSource.CreateCommand(
            "SELECT broker, connection, instrument_ids, started_at, ended_at FROM feed_gaps ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var gaps = new List<FeedGap>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            gaps.Add(new FeedGap(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<int[]>(2),
                reader.GetFieldValue<DateTimeOffset>(3), reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4)));
        }
        return gaps;
    }

    /// <summary>Polls <paramref name="probe"/> until <paramref name="done"/> holds; fails naming what was awaited and the last value seen.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, int seconds = 60)
    {
        var ct = TestContext.Current.CancellationToken;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
        var last = default(T);
        while (true)
        {
            last = await probe();
            if (done(last))
            {
                return last;
            }
            try
            {
                await Task.Delay(50, timeout.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                Assert.Fail($"Gave up after {seconds} s waiting until {what}; last seen: {Describe(last)}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopIngestorAsync();
        Simulator.Dispose();
        await _simulator.DisposeAsync();
        await Database.DisposeAsync();
        _spool.Dispose();
    }

    private static string Describe<T>(T value) => value switch
    {
        System.Collections.IEnumerable items and not string => $"[{string.Join(", ", items.Cast<object?>())}]",
        _ => value?.ToString() ?? "null",
    };

    /// <summary>What the simulator sent: packets per token since it started, and the subscriptions of each open socket.</summary>
    public sealed record SimulatorStatistics(Dictionary<uint, long> PacketsByToken, List<int> OpenConnectionSubscriptions, List<long> OpenConnectionHeartbeats);

    public sealed record FeedGap(string Broker, string Connection, int[] InstrumentIds, DateTimeOffset StartedAt, DateTimeOffset? EndedAt)
    {
        public override string ToString() => $"{Connection}:[{string.Join(',', InstrumentIds)}] {StartedAt:HH:mm:ss.fff}-{EndedAt:HH:mm:ss.fff}";
    }

    private sealed class IngestorFactory(string database, string redis, IReadOnlyDictionary<string, string?> settings)
        : WebApplicationFactory<ingestor::Program>
    {
        private readonly ITestOutputHelper? _output = TestContext.Current.TestOutputHelper;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("ConnectionStrings:tradingdb", database);
            builder.UseSetting("ConnectionStrings:redis", redis);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
            builder.ConfigureLogging(logging => logging.AddProvider(new TestOutputLoggerProvider(_output)));
        }
    }
}
