using Microsoft.Extensions.Options;
using TradingHelper.Core.Brokers.Fyers;
using TradingHelper.Core.Storage;
using TradingHelper.Ingestor.Feed;
using TradingHelper.Ingestor.Subscriptions;

namespace TradingHelper.Ingestor.Brokers.Fyers;

/// <summary>
/// The Fyers feed: turns the desired set into data-socket topics and keeps one socket streaming them. <c>ltp</c> subscriptions
/// stream their quote topic (<c>sf|…</c>, <c>if|…</c>) on the lite channel, <c>quote</c> on the full channel, and <c>full</c>
/// adds the depth topic (<c>dp|…</c>; an index has none). Fyers allows one socket per app and
/// <see cref="FyersOptions.MaxSymbols"/> symbols per API key, so there is no sharding.
/// </summary>
public sealed partial class FyersFeed : BackgroundService, ISubscribedFeed
{
    /// <summary>The <c>broker</c> tag and <c>feed_gaps.broker</c> value.</summary>
    public const string BrokerName = "fyers";

    private readonly IOptionsMonitor<FyersOptions> _options;
    private readonly ILogger<FyersFeed> _logger;
    private readonly SemaphoreSlim _applyGate = new(1, 1);
    private int _unmapped;
    private int _overflow;

    public FyersFeed(IOptionsMonitor<FyersOptions> options, FyersSession session, ITickSink sink, LiveTickRelay liveTicks, FeedGapRecorder gaps, BrokerFeedMetrics metrics,
        TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        _options = options;
        _logger = loggerFactory.CreateLogger<FyersFeed>();
        Connection = new FyersFeedConnection(options, session, sink, liveTicks, gaps, metrics, timeProvider, loggerFactory.CreateLogger<FyersFeedConnection>());
    }

    /// <summary>The single data socket.</summary>
    public FyersFeedConnection Connection { get; }

    /// <summary>Subscribed instruments without a Fyers symbol and fytoken (or with a fytoken of no socket segment): not streamed.</summary>
    public int Unmapped => Volatile.Read(ref _unmapped);

    /// <summary>Subscribed instruments past <see cref="FyersOptions.MaxSymbols"/>: not streamed.</summary>
    public int Overflow => Volatile.Read(ref _overflow);

    /// <summary>True once a subscription set has been applied since start.</summary>
    public bool HasSubscriptionSet { get; private set; }

    public string Broker => BrokerName;

    public TimeSpan SubscriptionRefreshInterval => _options.CurrentValue.SubscriptionRefreshInterval;

    public async Task SyncAsync(SubscriptionStore store, CancellationToken cancellationToken) =>
        await ApplyAsync(await store.LoadFyersAsync(cancellationToken), cancellationToken);

    /// <summary>Makes the socket stream exactly the topics of <paramref name="desired"/>, as far as the symbol limit allows.</summary>
    public async Task ApplyAsync(IReadOnlyList<FyersDesiredSubscription> desired, CancellationToken cancellationToken)
    {
        await _applyGate.WaitAsync(cancellationToken);
        try
        {
            var limit = _options.CurrentValue.MaxSymbols;
            var topics = new Dictionary<string, FyersTopicAssignment>(StringComparer.Ordinal);
            var symbols = 0;
            var unmapped = 0;
            var overflow = 0;
            foreach (var subscription in desired)
            {
                if (subscription is not { FyersSymbol: { } symbol, FyersToken: { } token }
                    || !FyersTopicNames.TryCreate(symbol, token, FyersDataType.SymbolUpdate, out var topic))
                {
                    unmapped++;
                    continue;
                }
                if (symbols >= limit)
                {
                    overflow++;
                    continue;
                }
                var role = subscription.Mode switch
                {
                    SubscriptionMode.Ltp => FyersTopicRole.Ltp,
                    SubscriptionMode.Quote => FyersTopicRole.Quote,
                    _ => FyersTopicRole.Full,
                };
                if (!topics.TryAdd(topic, new FyersTopicAssignment(subscription.InstrumentId, role)))
                {
                    continue;
                }
                symbols++;
                // The limit counts symbols: a symbol's depth topic rides on it. Fyers refuses depth for an index, so none is asked.
                if (role == FyersTopicRole.Full && FyersTopicNames.TryCreate(symbol, token, FyersDataType.DepthUpdate, out var depthTopic))
                {
                    topics.TryAdd(depthTopic, new FyersTopicAssignment(subscription.InstrumentId, FyersTopicRole.Depth));
                }
            }
            if (unmapped != Unmapped && unmapped > 0)
            {
                LogUnmapped(_logger, unmapped);
            }
            if (overflow != Overflow && overflow > 0)
            {
                LogOverLimit(_logger, desired.Count - unmapped, limit, overflow);
            }
            Volatile.Write(ref _unmapped, unmapped);
            Volatile.Write(ref _overflow, overflow);
            if (!SameSet(topics, Connection.Assigned))
            {
                await Connection.ApplyAsync(topics, cancellationToken);
            }
            HasSubscriptionSet = true;
        }
        finally
        {
            _applyGate.Release();
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Connection.RunAsync(stoppingToken);

    public override void Dispose()
    {
        _applyGate.Dispose();
        Connection.Dispose();
        base.Dispose();
    }

    private static bool SameSet(Dictionary<string, FyersTopicAssignment> next, IReadOnlyDictionary<string, FyersTopicAssignment> current) =>
        next.Count == current.Count && next.All(pair => current.TryGetValue(pair.Key, out var assignment) && assignment == pair.Value);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Unmapped} subscribed instruments have no Fyers symbol/fytoken (instruments.fyers_symbol, fyers_token) and are NOT streamed; run a Fyers symbol-master sync")]
    private static partial void LogUnmapped(ILogger logger, int unmapped);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Desired} instruments are subscribed but one Fyers API key streams at most {Limit}: {Overflow} instruments are NOT streamed")]
    private static partial void LogOverLimit(ILogger logger, int desired, int limit, int overflow);
}
