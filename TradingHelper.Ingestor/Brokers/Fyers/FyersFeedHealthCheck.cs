using Microsoft.Extensions.Diagnostics.HealthChecks;
using TradingHelper.Core.Brokers;
using TradingHelper.Ingestor.Feed;

namespace TradingHelper.Ingestor.Brokers.Fyers;

/// <summary>Healthy while the data socket streams every subscribed instrument; Degraded with the reasons (token, socket, unmapped, over limit) otherwise.</summary>
public sealed class FyersFeedHealthCheck(FyersFeed feed, Microsoft.Extensions.Options.IOptionsMonitor<FyersOptions> options) : IHealthCheck, IFeedCondition
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Assess().ToHealthCheckResult());

    public FeedCondition Assess()
    {
        var connection = feed.Connection;
        var topics = connection.Assigned.Count;
        var reasons = new List<string>();
        var data = new Dictionary<string, object>
        {
            ["connection"] = $"{connection.State}, {topics} topics",
            ["malformed frames"] = connection.MalformedFrames,
        };
        var state = topics == 0 ? FeedState.Idle
            : connection.State == FyersConnectionState.Up ? FeedState.Live
            : connection.State == FyersConnectionState.WaitingForToken ? FeedState.LoginNeeded
            : FeedState.Disconnected;
        if (topics > 0 && connection.State != FyersConnectionState.Up)
        {
            reasons.Add($"Fyers data socket {connection.State}: {connection.Problem ?? "no reason given"}");
        }
        if (feed.Unmapped > 0)
        {
            reasons.Add($"{feed.Unmapped} subscribed instruments have no Fyers symbol/fytoken and are not streamed");
        }
        if (feed.Overflow > 0)
        {
            reasons.Add($"{feed.Overflow} subscribed instruments are not streamed: Fyers:MaxSymbols is {options.CurrentValue.MaxSymbols} (Fyers allows 5000 per API key)");
        }
        if (reasons.Count > 0)
        {
            return new FeedCondition(state, Degraded: true, string.Join("; ", reasons), data);
        }
        var description = topics == 0
            ? (feed.HasSubscriptionSet ? "No instruments subscribed" : "Subscriptions not loaded yet")
            : $"Fyers data socket up, {topics} topics";
        return new FeedCondition(state, Degraded: false, description, data);
    }
}
