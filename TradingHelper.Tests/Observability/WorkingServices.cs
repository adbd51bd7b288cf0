extern alias api;
extern alias ingestor;

using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Mvc.Testing;
using TradingHelper.Tests.Api;
using TradingHelper.Tests.Brokers.Kite;
using TradingHelper.Tests.Brokers.Kite.Ticker;
using TradingHelper.Tests.Infrastructure;
using TradingHelper.Tests.Simulator;
using TradingHelper.Tests.Storage;
using TradingHelper.Tests.Storage.Ticks;

namespace TradingHelper.Tests.Observability;

/// <summary>
/// The market simulator, the Api and the Ingestor on real loopback ports, sharing one database, Redis database, tick
/// channel and command stream as in production: the Ingestor streams a few futures in full mode from the simulator's
/// ticker and fetches history from its REST side; a WebSocket client holds a live tick subscription on the Api.
/// </summary>
internal sealed class WorkingServices : IAsyncDisposable
{
    private const string ApiKey = "observability-api-key-0123456789";

    private readonly TempDirectory _spool = new();
    private SimulatorFactory? _simulator;
    private StorageTestDatabase? _database;
    private ServiceFactory<api::Program>? _api;
    private ServiceFactory<ingestor::Program>? _ingestor;
    private HttpClient? _simulatorClient;
    private HttpClient? _apiClient;
    private TickSocket? _socket;

    private WorkingServices()
    {
    }

    public Uri Api { get; private set; } = null!;

    public Uri Ingestor { get; private set; } = null!;

    /// <summary>The subscribed instruments' ids.</summary>
    public IReadOnlyList<int> Instruments { get; private set; } = [];

    public static async Task<WorkingServices> StartAsync(TestServers servers, CancellationToken ct)
    {
        var services = new WorkingServices();
        try
        {
            await services.StartAsync(servers.Redis.CreateDatabase(), servers, ct);
            return services;
        }
        catch
        {
            await services.DisposeAsync();
            throw;
        }
    }

    /// <summary>Arms a simulator fault: close, stall, malformed, truncated, token-error or history-429.</summary>
    public async Task FaultAsync(string kind, CancellationToken ct, int? count = null)
    {
        using var response = await _simulatorClient!.PostAsJsonAsync("/_sim/faults", new { kind, count }, ct);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Asks the Api for a backfill of the subscribed instruments over an hour of a past session, as a user would.</summary>
    public async Task RequestBackfillAsync(CancellationToken ct)
    {
        var from = KiteRestClientTests.PastMonday().AddHours(9).AddMinutes(15);
        using var response = await _apiClient!.PostAsJsonAsync(
            "/api/historical/backfill", new { tokens = Instruments, from, to = from.AddHours(1), interval = "1m" }, ct);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted,
            $"The backfill request got {response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket is { Socket.State: WebSocketState.Open })
        {
            // Only the close frame is sent: waiting for the Api's would mean reading the ticks queued before it.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _socket.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
            {
                // The Api may be gone already; disposing the socket is all that is left to do.
            }
        }
        _socket?.Dispose();
        _apiClient?.Dispose();
        _simulatorClient?.Dispose();
        // The Ingestor stops before the simulator, so its ticker is not left redialling a closed port.
        if (_ingestor is not null)
        {
            await _ingestor.DisposeAsync();
        }
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }
        if (_simulator is not null)
        {
            await _simulator.DisposeAsync();
        }
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
        _spool.Dispose();
    }

    private async Task StartAsync(string redis, TestServers servers, CancellationToken ct)
    {
        _simulator = new SimulatorFactory(new Dictionary<string, string?> { ["Simulator:TicksPerSecond"] = "20" });
        var simulatorUrl = _simulator.StartOnLoopback();
        _simulatorClient = new HttpClient { BaseAddress = simulatorUrl };
        _simulatorClient.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", SimulatorFactory.Authorization);

        _database = await StorageTestDatabase.CreateAsync(servers, "promql");
        var rows = await SimulatedInstruments.ReadAsync(_simulatorClient, ct);
        var ids = await SimulatedInstruments.InsertAsync(_database, rows.Where(row => row is { Exchange: "NFO", Type: "FUT" }).Take(3), ct);
        foreach (var id in ids.Values)
        {
            // Only full-mode packets carry the exchange timestamp behind the exchange latency histogram.
            await SimulatedInstruments.SubscribeAsync(_database, id, "full");
        }
        Instruments = [.. ids.Values];

        var run = Guid.NewGuid().ToString("N");
        var shared = new Dictionary<string, string?>
        {
            ["LiveTicks:Channel"] = $"test:ticks:{run}",
            ["LiveTicks:QuotesKey"] = $"test:quotes:{run}",
            ["Commands:StreamKey"] = $"test:commands:{run}",
        };
        _api = new ServiceFactory<api::Program>(_database.ConnectionString, redis, new Dictionary<string, string?>(shared)
        {
            ["Api:ApiKey"] = ApiKey,
        });
        _ingestor = new ServiceFactory<ingestor::Program>(_database.ConnectionString, redis, new Dictionary<string, string?>(shared)
        {
            ["Broker:Kind"] = "simulator",
            ["Kite:TickerUrl"] = $"ws://127.0.0.1:{simulatorUrl.Port}/",
            ["Kite:ApiBaseUrl"] = simulatorUrl.ToString(),
            ["Kite:ApiKey"] = SimulatorFactory.ApiKey,
            ["Kite:ApiSecret"] = SimulatorFactory.ApiSecret,
            ["Kite:AccessToken"] = SimulatorFactory.AccessToken,
            ["Kite:WatchdogTimeout"] = "00:00:01",
            ["Kite:ReconnectInitialDelay"] = "00:00:00.050",
            ["Kite:ReconnectMaxDelay"] = "00:00:01",
            // The armed 429 is retried at once rather than after Kite's polite second.
            ["Kite:RetryInitialDelay"] = "00:00:00.050",
            ["TickWriter:SpoolDirectory"] = _spool.Path,
        });
        Api = StartOnKestrel(_api);
        Ingestor = StartOnKestrel(_ingestor);

        _apiClient = new HttpClient { BaseAddress = Api };
        _apiClient.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        var socket = new ClientWebSocket();
        try
        {
            await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{Api.Port}/api/ws/ticks"), ct);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        _socket = new TickSocket(socket);
        await _socket.SubscribeAsync([.. Instruments], ct);
    }

    private static Uri StartOnKestrel<TEntryPoint>(WebApplicationFactory<TEntryPoint> factory) where TEntryPoint : class
    {
        var port = FreePort.Next();
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        factory.StartServer();
        return new Uri($"http://127.0.0.1:{port}/");
    }
}
