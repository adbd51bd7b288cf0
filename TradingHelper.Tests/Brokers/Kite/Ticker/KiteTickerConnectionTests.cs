using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;
using TradingHelper.Core.Brokers.Kite;
using TradingHelper.Core.Market;
using TradingHelper.Core.Storage;
using TradingHelper.Core.Streaming;
using TradingHelper.Ingestor.Brokers;
using TradingHelper.Ingestor.Brokers.Kite;
using TradingHelper.Ingestor.Feed;
using TradingHelper.Ingestor.Leases;
using TradingHelper.Ingestor.Subscriptions;
using TradingHelper.Tests.Infrastructure;

namespace TradingHelper.Tests.Brokers.Kite.Ticker;

/// <summary>One ticker connection against a scripted server on a real socket, to see exactly what crosses the wire.</summary>
public sealed class KiteTickerConnectionTests
{
    private const uint Infy = 408065;

    [Fact]
    public async Task Stopping_closes_the_socket_gracefully_and_stores_ticks_the_server_sent_before_its_close()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await ScriptedTickerServer.StartAsync();
        var sink = new CollectingSink();
        using var services = new ConnectionServices(server.Url, sink);
        using var connection = new KiteTickerConnection(0, services.Feed);
        await connection.ApplyAsync(new Dictionary<uint, DesiredSubscription> { [Infy] = new(Infy, 7, KiteMode.Full) }, ct);
        using var stop = new CancellationTokenSource();

        var run = connection.RunAsync(stop.Token);
        await server.Subscribed.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30), ct);

        Assert.Equal("3", server.KiteVersion);
        Assert.Equal(("test_key", "test_token"), (server.ApiKey, server.AccessToken));
        Assert.Equal(["{\"a\":\"subscribe\",\"v\":[408065]}", "{\"a\":\"mode\",\"v\":[\"full\",[408065]]}"], server.Messages);
        var tick = Assert.Single(sink.Ticks);
        Assert.Equal((7, 1573.15m), (tick.InstrumentId, tick.LastPrice));
        Assert.Equal(KiteConnectionState.Stopped, connection.State);
        // The first subscription checks for a gap a crash left unrecorded, the first data ends whatever gap an earlier run
        // left open, and the stop opens one that the next run ends.
        Assert.Equal(3, services.Gaps.PendingCount);
    }

    [Fact]
    public async Task A_session_ended_by_a_storage_failure_still_records_its_gap_and_redials()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await ScriptedTickerServer.StartAsync(tickOnSubscribe: true);
        var sink = new ThrowingOnceSink();
        using var services = new ConnectionServices(server.Url, sink, reconnectInitialDelay: TimeSpan.FromMilliseconds(50));
        using var connection = new KiteTickerConnection(0, services.Feed);
        await connection.ApplyAsync(new Dictionary<uint, DesiredSubscription> { [Infy] = new(Infy, 7, KiteMode.Full) }, ct);
        using var stop = new CancellationTokenSource();

        var run = connection.RunAsync(stop.Token);
        // The first session's tick makes the sink throw (not a socket error); the connection must redial and stream again.
        await server.Resubscribed.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
        await TickerRig.UntilAsync(() => Task.FromResult(sink.Ticks.Count), count => count == 1, "the second session stores its tick", 30);
        // The second session's data ended the gap, so the first gap is pending before the stop queues its own.
        await TickerRig.UntilAsync(() => Task.FromResult(services.Gaps.PendingCount), count => count == 4,
            "the crash check, the first data's close, the failed session's gap and its close are queued", 30);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30), ct);

        Assert.Equal(KiteConnectionState.Stopped, connection.State);
        Assert.Empty(connection.SubscribedModes);
        Assert.Equal(5, services.Gaps.PendingCount);
    }

    /// <summary>A ticker that sends one LTP tick only after the client's close frame, then closes.</summary>
    private sealed class ScriptedTickerServer : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private ScriptedTickerServer(WebApplication app) => _app = app;

        public Uri Url { get; private set; } = null!;

        public TaskCompletionSource Subscribed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>A second socket subscribed too.</summary>
        public TaskCompletionSource Resubscribed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Whether each socket gets one tick as soon as it subscribed, besides the one after its close.</summary>
        public bool TickOnSubscribe { get; private init; }

        public ConcurrentQueue<string> Messages { get; } = new();

        public string? KiteVersion { get; private set; }

        public string? ApiKey { get; private set; }

        public string? AccessToken { get; private set; }

        public static async Task<ScriptedTickerServer> StartAsync(bool tickOnSubscribe = false)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var server = new ScriptedTickerServer(app) { TickOnSubscribe = tickOnSubscribe };
            app.UseWebSockets();
            app.Map("/", server.ServeAsync);
            await app.StartAsync();
            server.Url = new Uri($"ws://127.0.0.1:{new Uri(app.Urls.First()).Port}/");
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        private async Task ServeAsync(HttpContext context)
        {
            KiteVersion = context.Request.Headers["X-Kite-Version"];
            ApiKey = context.Request.Query["api_key"];
            AccessToken = context.Request.Query["access_token"];
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[64 * 1024];
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                Messages.Enqueue(Encoding.UTF8.GetString(buffer, 0, result.Count));
                if (Messages.Count % 2 == 0)
                {
                    if (TickOnSubscribe)
                    {
                        await SendTickAsync(socket);
                    }
                    (Messages.Count == 2 ? Subscribed : Resubscribed).TrySetResult();
                }
            }
            await SendTickAsync(socket);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }
    }

    private static async Task SendTickAsync(WebSocket socket)
    {
        var frame = new byte[64];
        var writer = new KiteFrameWriter(frame);
        writer.TryAppend(new KiteTick { InstrumentToken = Infy, Kind = KitePacketKind.Ltp, LastPrice = 157_315 });
        await socket.SendAsync(frame.AsMemory(0, writer.Length), WebSocketMessageType.Binary, true, CancellationToken.None);
    }

    /// <summary>Refuses the first tick the way a completed storage channel does, then stores.</summary>
    private sealed class ThrowingOnceSink : ITickSink
    {
        private int _calls;

        public ConcurrentQueue<Tick> Ticks { get; } = new();

        public bool TryWrite(in Tick tick)
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                throw new System.Threading.Channels.ChannelClosedException();
            }
            Ticks.Enqueue(tick);
            return true;
        }

        public ValueTask WriteAsync(in Tick tick, CancellationToken cancellationToken)
        {
            Ticks.Enqueue(tick);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class CollectingSink : ITickSink
    {
        public ConcurrentQueue<Tick> Ticks { get; } = new();

        public bool TryWrite(in Tick tick)
        {
            Ticks.Enqueue(tick);
            return true;
        }

        public ValueTask WriteAsync(in Tick tick, CancellationToken cancellationToken)
        {
            Ticks.Enqueue(tick);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Everything a connection needs, with Redis and PostgreSQL out of reach: nothing here may depend on them.</summary>
    private sealed class ConnectionServices : IDisposable
    {
        private readonly ServiceProvider _provider;
        private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create($"Host=127.0.0.1;Port={FreePort.Next()}");
        private readonly ConnectionMultiplexer _redis = ConnectionMultiplexer.Connect($"127.0.0.1:{FreePort.Next()},abortConnect=false,connectTimeout=100");

        public ConnectionServices(Uri tickerUrl, ITickSink sink, TimeSpan? reconnectInitialDelay = null)
        {
            _provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
            var session = new KiteSession();
            session.Update("test_token", expiresAt: null);
            Gaps = new FeedGapRecorder(_dataSource, Options.Create(new IngestorOptions()), TimeProvider.System, NullLogger<FeedGapRecorder>.Instance);
            Relay = new LiveTickRelay(new LiveTickPublisher(_redis, Options.Create(new LiveTickOptions())), NullLogger<LiveTickRelay>.Instance);
            Feed = new KiteFeedServices(
                Options.Create(new KiteOptions
                {
                    TickerUrl = tickerUrl,
                    ApiKey = "test_key",
                    WatchdogTimeout = TimeSpan.FromSeconds(30),
                    ReconnectInitialDelay = reconnectInitialDelay ?? TimeSpan.FromSeconds(1),
                }),
                Options.Create(new BrokerOptions { Kind = "simulator" }),
                session, sink, Relay, Gaps,
                new BrokerFeedMetrics(_provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
                TimeProvider.System, new LoggerFactory([new TestOutputLoggerProvider(TestContext.Current.TestOutputHelper)]));
        }

        public KiteFeedServices Feed { get; }

        public FeedGapRecorder Gaps { get; }

        public LiveTickRelay Relay { get; }

        public void Dispose()
        {
            Gaps.Dispose();
            Relay.Dispose();
            _redis.Dispose();
            _dataSource.Dispose();
            _provider.Dispose();
        }
    }
}
