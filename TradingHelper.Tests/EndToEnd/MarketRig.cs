extern alias api;
extern alias ingestor;

using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using TradingHelper.Tests.Api;
using TradingHelper.Tests.Brokers.Kite.Ticker;
using TradingHelper.Tests.Infrastructure;
using TradingHelper.Tests.Simulator;
using TradingHelper.Tests.Storage;
using TradingHelper.Tests.Storage.Ticks;

namespace TradingHelper.Tests.EndToEnd;

/// <summary>
/// The whole product as a user meets it: the market simulator on a real loopback port, the Ingestor dialling it over
/// real sockets, and the Api in front, both on one fresh database and one Redis database with channel, quotes hash
/// and command stream of their own (pub/sub ignores Redis's logical databases, so parallel tests need own names).
/// </summary>
internal sealed class MarketRig : IAsyncDisposable
{
    public const string ApiKey = ApiTestContext.ApiKey;

    private readonly SimulatorFactory _simulator;
    private readonly TempDirectory _spool = new();
    private readonly Dictionary<string, string?> _ingestorSettings;
    private readonly Dictionary<string, string?> _apiSettings;
    private IngestorFactory? _ingestor;
    private readonly Dictionary<string, (IngestorFactory Factory, TempDirectory Spool)> _peers = [];
    private ServiceFactory<api::Program>? _api;

    private MarketRig(SimulatorFactory simulator, Uri simulatorUrl, StorageTestDatabase database, string redis,
        Dictionary<string, string?> ingestorSettings, Dictionary<string, string?> apiSettings)
    {
        _simulator = simulator;
        Database = database;
        Redis = redis;
        _ingestorSettings = ingestorSettings;
        _apiSettings = apiSettings;
        Simulator = simulator.CreateClient();
        Simulator.BaseAddress = simulatorUrl;
        Simulator.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", SimulatorFactory.Authorization);
    }

    /// <summary>The simulator's REST and control side (faults, exact per-token statistics); never used for a user step.</summary>
    public HttpClient Simulator { get; }

    /// <summary>For seeding before start and for checks the Api does not offer (stored tick counts, broker candle rows).</summary>
    public StorageTestDatabase Database { get; }

    public string Redis { get; }

    public static async Task<MarketRig> StartAsync(TestServers servers, string purpose,
        IReadOnlyDictionary<string, string?>? simulatorSettings = null, IReadOnlyDictionary<string, string?>? ingestorSettings = null,
        IReadOnlyDictionary<string, string?>? apiSettings = null)
    {
        var simulatorConfig = new Dictionary<string, string?>
        {
            ["Simulator:TicksPerSecond"] = "100",
            ["Simulator:MaxPacketsPerFrame"] = "50",
        };
        foreach (var (key, value) in simulatorSettings ?? new Dictionary<string, string?>())
        {
            simulatorConfig[key] = value;
        }
        var simulator = new SimulatorFactory(simulatorConfig);
        var url = simulator.StartOnLoopback();
        var database = await StorageTestDatabase.CreateAsync(servers, purpose);

        var id = Guid.NewGuid().ToString("N");
        // What the Ingestor and the Api must agree on; unique per rig so parallel tests never see each other's traffic.
        var shared = new Dictionary<string, string?>
        {
            ["LiveTicks:Channel"] = $"e2e:ticks:{id}",
            ["LiveTicks:QuotesKey"] = $"e2e:quotes:{id}",
            ["Commands:StreamKey"] = $"e2e:commands:{id}",
            ["Commands:DeadLetterStreamKey"] = $"e2e:commands:dead:{id}",
        };
        var ingestor = new Dictionary<string, string?>(shared)
        {
            ["Broker:Kind"] = "simulator",
            ["Kite:TickerUrl"] = $"ws://127.0.0.1:{url.Port}/",
            ["Kite:ApiBaseUrl"] = $"http://127.0.0.1:{url.Port}/",
            ["Kite:ApiKey"] = SimulatorFactory.ApiKey,
            ["Kite:AccessToken"] = SimulatorFactory.AccessToken,
            ["Kite:WatchdogTimeout"] = "00:00:03",
            ["Kite:ReconnectInitialDelay"] = "00:00:00.050",
            ["Kite:ReconnectMaxDelay"] = "00:00:01",
            ["Kite:RetryInitialDelay"] = "00:00:00.050",
            ["Kite:RetryMaxDelay"] = "00:00:00.500",
            // Candles of live minutes show up within a second or two rather than five.
            ["Candles:RefreshInterval"] = "00:00:01",
        };
        foreach (var (key, value) in ingestorSettings ?? new Dictionary<string, string?>())
        {
            ingestor[key] = value;
        }
        var apiConfig = new Dictionary<string, string?>(shared) { ["Api:ApiKey"] = ApiKey };
        foreach (var (key, value) in apiSettings ?? new Dictionary<string, string?>())
        {
            apiConfig[key] = value;
        }
        return new MarketRig(simulator, url, database, servers.Redis.CreateDatabase(), ingestor, apiConfig);
    }

    /// <summary>
    /// A rig whose Ingestor is configured as a real Kite account would be, only pointed at the simulator's URLs (the whole
    /// ingest path of BROKER=kite), in a market that never closes, its gaps backfilled as soon as they close.
    /// </summary>
    public static Task<MarketRig> StartKiteAroundTheClockAsync(TestServers servers, string purpose, IReadOnlyDictionary<string, string?>? ingestorSettings = null)
    {
        var ingestor = new Dictionary<string, string?>
        {
            ["Broker:Kind"] = "kite",
            ["Kite:ApiSecret"] = SimulatorFactory.ApiSecret,
            // A real Kite account's gaps are backfilled within NSE hours only; this market never closes.
            ["Broker:MarketHours"] = "always",
            ["Backfill:ScanInterval"] = "00:00:00.200",
            ["Backfill:GapSettleDelay"] = "00:00:00",
        };
        foreach (var (key, value) in ingestorSettings ?? new Dictionary<string, string?>())
        {
            ingestor[key] = value;
        }
        // The ticker streams around the clock; its history must too, or an outage outside 09:15–15:30 IST has nothing to backfill.
        return StartAsync(servers, purpose, simulatorSettings: new Dictionary<string, string?> { ["Simulator:Session"] = "always" }, ingestorSettings: ingestor);
    }

    /// <summary>Starts the Ingestor host: migrations, the start-up instrument sync when it has no Kite instruments, the ticker, backfills.</summary>
    public void StartIngestor()
    {
        _ingestorSettings["TickWriter:SpoolDirectory"] = _spool.Path;
        _ingestor = new IngestorFactory(Database.ConnectionString, Redis, _ingestorSettings);
        _ = _ingestor.Services;
    }

    /// <summary>Stops the Ingestor: its sockets close and what was on the wire is stored before the writer drains.</summary>
    public async Task StopIngestorAsync()
    {
        if (_ingestor is { } ingestorFactory)
        {
            _ingestor = null;
            await ingestorFactory.DisposeAsync();
        }
    }

    /// <summary>
    /// Starts another Ingestor named <paramref name="name"/> on the same database, Redis and simulator, with a spool of its
    /// own: the two share the subscriptions by their leases.
    /// </summary>
    public void StartPeerIngestor(string name)
    {
        var spool = new TempDirectory();
        var settings = new Dictionary<string, string?>(_ingestorSettings)
        {
            ["Ingestor:Name"] = name,
            ["TickWriter:SpoolDirectory"] = spool.Path,
        };
        var factory = new IngestorFactory(Database.ConnectionString, Redis, settings);
        _peers[name] = (factory, spool);
        _ = factory.Services;
    }

    /// <summary>Stops the Ingestor named <paramref name="name"/> the way a deployment does: its feed closes, then its leases go.</summary>
    public async Task StopPeerIngestorAsync(string name)
    {
        if (_peers.Remove(name, out var peer))
        {
            await peer.Factory.DisposeAsync();
            peer.Spool.Dispose();
        }
    }

    /// <summary>Starts the Api on the Ingestor's database and Redis.</summary>
    public void StartApi()
    {
        _api = new ServiceFactory<api::Program>(Database.ConnectionString, Redis, _apiSettings);
        _ = _api.Services;
    }

    private ServiceFactory<api::Program> Api => _api ?? throw new InvalidOperationException("Start the Api first.");

    /// <summary>A client of the Api as a user has it: the API key for changes, nothing else.</summary>
    public HttpClient CreateApiClient()
    {
        var client = Api.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return client;
    }

    public async Task<TickSocket> ConnectTicksAsync(CancellationToken cancellationToken)
    {
        var server = Api.Server;
        WebSocket socket = await server.CreateWebSocketClient().ConnectAsync(new Uri(server.BaseAddress, "api/ws/ticks"), cancellationToken);
        return new TickSocket(socket);
    }

    public async Task FaultAsync(string kind, double? seconds = null, int? count = null)
    {
        using var response = await Simulator.PostAsJsonAsync("/_sim/faults", new { kind, seconds, count }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Packets the simulator sent per Kite token since it started.</summary>
    public async Task<Dictionary<long, long>> SentByKiteTokenAsync()
    {
        using var document = JsonDocument.Parse(await Simulator.GetStringAsync("/_sim/stats", TestContext.Current.CancellationToken));
        return document.RootElement.GetProperty("packetsByToken").EnumerateObject()
            .ToDictionary(property => long.Parse(property.Name, CultureInfo.InvariantCulture), property => property.Value.GetInt64());
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

    /// <summary>GETs <paramref name="url"/> from the Api, failing with the body when the answer is not 200.</summary>
    public static async Task<JsonElement> GetJsonAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>POSTs <paramref name="body"/> to the Api, failing with the answer when it is not 202 Accepted.</summary>
    public static async Task<(JsonElement Body, Uri? Location)> PostAcceptedAsync(HttpClient client, string url, object? body)
    {
        using var response = body is null
            ? await client.PostAsync(url, null, TestContext.Current.CancellationToken)
            : await client.PostAsJsonAsync(url, body, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST {url}: {(int)response.StatusCode} {text}");
        return (JsonDocument.Parse(text).RootElement.Clone(), response.Headers.Location);
    }

    /// <summary>
    /// Polls <paramref name="probe"/> until <paramref name="done"/> holds. A hang guard, not a timed assertion: the bound
    /// is generous for a loaded CI machine, and the failure names what was awaited and the last value seen.
    /// </summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, Func<T, string>? describe = null, int seconds = 120)
    {
        var ct = TestContext.Current.CancellationToken;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
        while (true)
        {
            var last = await probe();
            if (done(last))
            {
                return last;
            }
            try
            {
                await Task.Delay(200, timeout.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                Assert.Fail($"Gave up after {seconds} s waiting until {what}; last seen: {(describe is null ? last?.ToString() : describe(last))}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_api is { } apiFactory)
        {
            await apiFactory.DisposeAsync();
        }
        foreach (var name in _peers.Keys.ToList())
        {
            await StopPeerIngestorAsync(name);
        }
        await StopIngestorAsync();
        Simulator.Dispose();
        await _simulator.DisposeAsync();
        await Database.DisposeAsync();
        _spool.Dispose();
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
            // A failure then shows what the feed and the backfills saw.
            builder.ConfigureLogging(logging => logging.AddProvider(new TestOutputLoggerProvider(_output)));
        }
    }
}
