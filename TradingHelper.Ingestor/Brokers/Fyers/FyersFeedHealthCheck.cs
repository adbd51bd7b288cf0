using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TradingHelper.Ingestor.Brokers.Fyers;

/// <summary>Healthy while the data socket streams every subscribed instrument; Degraded with the reasons (token, socket, unmapped, over limit) otherwise.</summary>
public sealed class FyersFeedHealthCheck(FyersFeed feed, Microsoft.Extensions.Options.IOptionsMonitor<FyersOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var connection = feed.Connection;
        var topics = connection.Assigned.Count;
        var reasons = new List<string>();
        var data = new Dictionary<string, object>
        {
            ["connection"] = $"{connection.State}, {topics} topics",
            ["malformed frames"] = connection.MalformedFrames,
        };
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
            return Task.FromResult(HealthCheckResult.Degraded(string.Join("; ", reasons), data: data));
        }
        var description = topics == 0
            ? (feed.HasSubscriptionSet ? "No instruments subscribed" : "Subscriptions not loaded yet")
            : $"Fyers data socket up, {topics} topics";
        return Task.FromResult(HealthCheckResult.Healthy(description, data));
    }
}
