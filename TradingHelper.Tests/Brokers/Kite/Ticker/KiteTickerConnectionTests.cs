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
        // The first data ends whatever gap an earlier run left open; the stop opens one that the next run ends.
        Assert.Equal(2, services.Gaps.PendingCount);
    }

    /// <summary>A ticker that sends one LTP tick only after the client's close frame, then closes.</summary>
    private sealed class ScriptedTickerServer : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private ScriptedTickerServer(WebApplication app) => _app = app;

        public Uri Url { get; private set; } = null!;

        public TaskCompletionSource Subscribed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentQueue<string> Messages { get; } = new();

        public string? KiteVersion { get; private set; }

        public string? ApiKey { get; private set; }

        public string? AccessToken { get; private set; }

        public static async Task<ScriptedTickerServer> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var server = new ScriptedTickerServer(app);
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
                if (Messages.Count == 2)
                {
                    Subscribed.TrySetResult();
                }
            }
            var frame = new byte[64];
            var writer = new KiteFrameWriter(frame);
            writer.TryAppend(new KiteTick { InstrumentToken = Infy, Kind = KitePacketKind.Ltp, LastPrice = 157_315 });
            await socket.SendAsync(frame.AsMemory(0, writer.Length), WebSocketMessageType.Binary, true, CancellationToken.None);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
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

        public ConnectionServices(Uri tickerUrl, ITickSink sink)
        {
            _provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
            var session = new KiteSession();
            session.Update("test_token", expiresAt: null);
            Gaps = new FeedGapRecorder(_dataSource, TimeProvider.System, NullLogger<FeedGapRecorder>.Instance);
            Relay = new LiveTickRelay(new LiveTickPublisher(_redis, Options.Create(new LiveTickOptions())), NullLogger<LiveTickRelay>.Instance);
            Feed = new KiteFeedServices(
                Options.Create(new KiteOptions { TickerUrl = tickerUrl, ApiKey = "test_key", WatchdogTimeout = TimeSpan.FromSeconds(30) }),
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
