using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using StackExchange.Redis;
using TradingHelper.Core.Brokers.Kite;
using TradingHelper.Core.Market;
using TradingHelper.Core.Storage;
using TradingHelper.Core.Streaming;
using TradingHelper.Ingestor.Brokers;
using TradingHelper.Ingestor.Brokers.Fyers;
using TradingHelper.Ingestor.Brokers.Kite;
using TradingHelper.Ingestor.Feed;
using TradingHelper.Ingestor.Leases;
using TradingHelper.Ingestor.Subscriptions;
using TradingHelper.Tests.Brokers.Fyers.Feed;
using TradingHelper.Tests.Brokers.Kite;
using TradingHelper.Tests.Brokers.Kite.Ticker;
using TradingHelper.Tests.Infrastructure;
using TradingHelper.Tests.Simulator;
using TradingHelper.Tests.Storage.Ticks;

namespace TradingHelper.Tests.Brokers;

/// <summary>
/// Undecodable frames from the simulator, sent over a real socket through each connection's real decoder, on a clock the
/// test moves: the metric counts every one, the log holds at most one entry per interval.
/// </summary>
public sealed class BadFrameLoggingTests
{
    private const int BadFrames = 500;
    private const uint Infy = 408065;

    [Fact]
    public async Task Garbage_on_the_kite_ticker_is_counted_frame_by_frame_and_logged_once_per_interval()
    {
        await using var rig = new FeedRig();
        var kite = new KiteOptions
        {
            TickerUrl = rig.SimulatorSocketUrl,
            ApiKey = SimulatorFactory.ApiKey,
            // The watchdog outlasts the two intervals the test moves the clock by.
            WatchdogTimeout = TimeSpan.FromMinutes(1),
        };
        using var connection = new KiteTickerConnection(0, new KiteFeedServices(Options.Create(kite), Options.Create(new BrokerOptions { Kind = "simulator" }),
            rig.Session, rig.Sink, rig.Relay, rig.Gaps, rig.Metrics, rig.Time, rig.Logging));
        await connection.ApplyAsync(new Dictionary<uint, DesiredSubscription> { [Infy] = new(Infy, 7, KiteMode.Full) }, TestContext.Current.CancellationToken);

        var (first, afterInterval, afterQuietInterval) = await rig.SendGarbageAsync(connection.RunAsync);

        Assert.Contains("skipped 1 undecodable packets", Assert.Single(first), StringComparison.Ordinal);
        Assert.Equal(2, afterInterval.Count);
        Assert.Contains($"{BadFrames - 1} more undecodable packets or frames skipped in the last 10 s", afterInterval[1], StringComparison.Ordinal);
        Assert.Equal(afterInterval, afterQuietInterval);
    }

    [Fact]
    public async Task Garbage_on_the_fyers_data_socket_is_counted_frame_by_frame_and_logged_once_per_interval()
    {
        await using var rig = new FeedRig();
        using var options = new ServiceCollection().Configure<FyersOptions>(fyers =>
        {
            fyers.DataSocketUrl = new Uri(rig.SimulatorSocketUrl, "/hsm/v1-5/prod");
            fyers.AccessToken = FyersTestTokens.Create(FyersTestTokens.SimulatorHsmKey, rig.Time.GetUtcNow().AddHours(1));
        }).BuildServiceProvider();
        using var connection = new FyersFeedConnection(options.GetRequiredService<IOptionsMonitor<FyersOptions>>(),
            new FyersSession(options.GetRequiredService<IOptionsMonitor<FyersOptions>>()), rig.Sink, rig.Relay, rig.Gaps,
            rig.Metrics, rig.Time, rig.Logging.CreateLogger<FyersFeedConnection>());
        await connection.ApplyAsync(new Dictionary<string, FyersTopicAssignment> { ["sf|nse_cm|1594"] = new(7, FyersTopicRole.Quote) }, TestContext.Current.CancellationToken);

        var (first, afterInterval, afterQuietInterval) = await rig.SendGarbageAsync(connection.RunAsync);

        Assert.Contains("skipped undecodable data frame", Assert.Single(first), StringComparison.Ordinal);
        Assert.Equal(2, afterInterval.Count);
        Assert.Contains($"{BadFrames - 1} more undecodable data frames skipped in the last 10 s", afterInterval[1], StringComparison.Ordinal);
        Assert.Equal(afterInterval, afterQuietInterval);
    }

    /// <summary>The simulator on a loopback port and what a feed connection needs, with PostgreSQL and Redis out of reach.</summary>
    private sealed class FeedRig : IAsyncDisposable
    {
        private readonly SimulatorFactory _simulator = new(new Dictionary<string, string?> { ["Simulator:TicksPerSecond"] = "50" });
        private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create($"Host=127.0.0.1;Port={FreePort.Next()}");
        private readonly ConnectionMultiplexer _redis = ConnectionMultiplexer.Connect($"127.0.0.1:{FreePort.Next()},abortConnect=false,connectTimeout=100");
        private readonly RecordingLoggerProvider _logs = new();
        private readonly MetricProbe _probe;
        private readonly HttpClient _control;

        public FeedRig()
        {
            var url = _simulator.StartOnLoopback();
            SimulatorSocketUrl = new Uri($"ws://127.0.0.1:{url.Port}/");
            _control = _simulator.CreateClient();
            _control.BaseAddress = url;
            Session.Update(SimulatorFactory.AccessToken, expiresAt: null);
            Gaps = new FeedGapRecorder(_dataSource, Options.Create(new IngestorOptions()), TimeProvider.System, NullLogger<FeedGapRecorder>.Instance);
            Relay = new LiveTickRelay(new LiveTickPublisher(_redis, Options.Create(new LiveTickOptions())), NullLogger<LiveTickRelay>.Instance);
            var meterFactory = _meters.GetRequiredService<IMeterFactory>();
            Metrics = new BrokerFeedMetrics(meterFactory);
            _probe = new MetricProbe(meterFactory);
            Logging = new LoggerFactory([_logs, new TestOutputLoggerProvider(TestContext.Current.TestOutputHelper)]);
        }

        /// <summary>The simulator's WebSocket root: the Kite ticker here, the Fyers data socket under /hsm/v1-5/prod.</summary>
        public Uri SimulatorSocketUrl { get; }

        public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

        public KiteSession Session { get; } = new();

        public CountingSink Sink { get; } = new();

        public LiveTickRelay Relay { get; }

        public FeedGapRecorder Gaps { get; }

        public BrokerFeedMetrics Metrics { get; }

        public LoggerFactory Logging { get; }

        /// <summary>
        /// Runs the connection until it streams, has the simulator send <see cref="BadFrames"/> undecodable frames, and returns
        /// the warnings about them: once all were read, after the interval, and after a further interval without any.
        /// </summary>
        public async Task<(List<string> First, List<string> AfterInterval, List<string> AfterQuietInterval)> SendGarbageAsync(Func<CancellationToken, Task> run)
        {
            var ct = TestContext.Current.CancellationToken;
            using var stop = new CancellationTokenSource();
            var running = run(stop.Token);
            await TickerRig.UntilAsync(() => Task.FromResult(Sink.Count), count => count > 0, "the connection streams ticks");

            using var fault = await _control.PostAsJsonAsync("/_sim/faults", new { kind = "malformed", count = BadFrames }, ct);
            fault.EnsureSuccessStatusCode();
            await TickerRig.UntilAsync(() => Task.FromResult(_probe.Sum("tradinghelper.broker.frames.bad")), sum => sum == BadFrames,
                "every bad frame is counted");
            // Frames are read in order: a tick stored after the count reached its end was read after the last bad frame was handled.
            var stored = Sink.Count;
            await TickerRig.UntilAsync(() => Task.FromResult(Sink.Count), count => count > stored, "a tick after the bad frames is stored");
            var first = Warnings();
            Time.Advance(BadFrameLog.Interval);
            var afterInterval = Warnings();
            Time.Advance(BadFrameLog.Interval);
            var afterQuietInterval = Warnings();

            await stop.CancelAsync();
            await running.WaitAsync(TimeSpan.FromSeconds(30), ct);
            Assert.Equal(BadFrames, _probe.Sum("tradinghelper.broker.frames.bad"));
            return (first, afterInterval, afterQuietInterval);
        }

        public async ValueTask DisposeAsync()
        {
            Logging.Dispose();
            _probe.Dispose();
            _control.Dispose();
            Gaps.Dispose();
            Relay.Dispose();
            await _redis.DisposeAsync();
            await _dataSource.DisposeAsync();
            await _meters.DisposeAsync();
            await _simulator.DisposeAsync();
        }

        private List<string> Warnings() =>
            [.. _logs.Lines.Where(line => line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains("undecodable", StringComparison.Ordinal))];
    }

    /// <summary>Takes every tick at once and counts them.</summary>
    private sealed class CountingSink : ITickSink
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public bool TryWrite(in Tick tick)
        {
            Interlocked.Increment(ref _count);
            return true;
        }

        public ValueTask WriteAsync(in Tick tick, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            return ValueTask.CompletedTask;
        }
    }
}
