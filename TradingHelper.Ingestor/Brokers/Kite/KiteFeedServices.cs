using Microsoft.Extensions.Options;
using TradingHelper.Core.Storage;
using TradingHelper.Ingestor.Feed;

namespace TradingHelper.Ingestor.Brokers.Kite;

/// <summary>What every ticker connection shares: settings, the session, where ticks and gaps go, metrics and the clock.</summary>
public sealed class KiteFeedServices(
    IOptions<KiteOptions> options,
    IOptions<BrokerOptions> broker,
    KiteSession session,
    ITickSink sink,
    LiveTickRelay liveTicks,
    FeedGapRecorder gaps,
    BrokerFeedMetrics metrics,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory)
{
    public KiteOptions Options { get; } = options.Value;

    /// <summary>The <c>broker</c> tag and <c>feed_gaps.broker</c> value: kite or simulator.</summary>
    public string BrokerName { get; } = broker.Value.Kind;

    public KiteSession Session { get; } = session;

    public ITickSink Sink { get; } = sink;

    public LiveTickRelay LiveTicks { get; } = liveTicks;

    public FeedGapRecorder Gaps { get; } = gaps;

    public BrokerFeedMetrics Metrics { get; } = metrics;

    public TimeProvider TimeProvider { get; } = timeProvider;

    public ILoggerFactory LoggerFactory { get; } = loggerFactory;
}
