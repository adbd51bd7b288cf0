using TradingHelper.Core.Brokers;

namespace TradingHelper.Ingestor.Feed;

/// <summary>A broker feed as its health check sees it: the state for the feed report, and the description for both.</summary>
/// <param name="Degraded">Something subscribed is not streamed: a connection is down, or instruments are over a limit or unmapped.</param>
public sealed record FeedCondition(FeedState State, bool Degraded, string Description, IReadOnlyDictionary<string, object> Data);
