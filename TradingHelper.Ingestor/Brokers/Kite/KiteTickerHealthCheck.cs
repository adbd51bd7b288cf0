using Microsoft.Extensions.Diagnostics.HealthChecks;
using TradingHelper.Core.Brokers;
using TradingHelper.Ingestor.Feed;

namespace TradingHelper.Ingestor.Brokers.Kite;

/// <summary>Healthy while every connection that has instruments is up; Degraded with the reasons otherwise.</summary>
public sealed class KiteTickerHealthCheck(KiteTicker ticker, KiteSession session) : IHealthCheck, IFeedCondition
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Assess().ToHealthCheckResult());

    public FeedCondition Assess()
    {
        var reasons = new List<string>();
        var data = new Dictionary<string, object>();
        var needed = 0;
        var instruments = 0;
        var allUp = true;
        foreach (var connection in ticker.Connections)
        {
            var count = connection.Assigned.Count;
            if (count == 0)
            {
                continue;
            }
            needed++;
            instruments += count;
            data[$"connection {connection.Label}"] = $"{connection.State}, {count} instruments";
            if (connection.State != KiteConnectionState.Up)
            {
                allUp = false;
                reasons.Add($"connection {connection.Label} {Describe(connection.State)}: {connection.Problem ?? "no reason given"}");
            }
        }
        if (ticker.Overflow.Count > 0)
        {
            reasons.Add($"{ticker.Overflow.Count} subscribed instruments are not streamed: one Kite API key streams at most {ticker.Capacity}");
        }
        var loginNeeded = needed > 0 && session.AccessToken is null;
        if (loginNeeded)
        {
            reasons.Insert(0, $"no Kite login ({session.Problem})");
        }
        var state = needed == 0 ? FeedState.Idle
            : loginNeeded ? FeedState.LoginNeeded
            : allUp ? FeedState.Live
            : FeedState.Disconnected;
        if (reasons.Count > 0)
        {
            return new FeedCondition(state, Degraded: true, string.Join("; ", reasons), data);
        }
        var description = needed == 0
            ? (ticker.HasSubscriptionSet ? "No instruments subscribed" : "Subscriptions not loaded yet")
            : $"{needed} connections up, {instruments} instruments";
        return new FeedCondition(state, Degraded: false, description, data);
    }

    private static string Describe(KiteConnectionState state) => state switch
    {
        KiteConnectionState.WaitingForLogin => "waiting for a login",
        KiteConnectionState.Connecting => "connecting",
        KiteConnectionState.Reconnecting => "reconnecting",
        KiteConnectionState.Stopped => "stopped",
        _ => state.ToString(),
    };
}
