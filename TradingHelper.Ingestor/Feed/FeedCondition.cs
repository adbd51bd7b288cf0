using Microsoft.Extensions.Diagnostics.HealthChecks;
using TradingHelper.Core.Brokers;

namespace TradingHelper.Ingestor.Feed;

/// <summary>A broker feed as its health check sees it: the state for the feed report, and the description for both.</summary>
/// <param name="Degraded">Something subscribed is not streamed: a connection is down, or instruments are over a limit or unmapped.</param>
public sealed record FeedCondition(FeedState State, bool Degraded, string Description, IReadOnlyDictionary<string, object> Data)
{
    /// <summary>The feed's entry of <c>/health</c>: Degraded with the reasons, else Healthy with what is up.</summary>
    public HealthCheckResult ToHealthCheckResult() =>
        Degraded ? HealthCheckResult.Degraded(Description, data: Data) : HealthCheckResult.Healthy(Description, Data);
}
