using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TradingHelper.Simulator.Market;

/// <summary>The simulator's <c>market</c> entry of <c>/health</c>: always simulated, with its session mode and whether it trades now.</summary>
internal sealed class SessionHealthCheck(MarketSimulator market, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var trading = market.Session.IsOpen(time.GetUtcNow());
        var session = market.Session.Mode == SessionMode.Always ? "always" : "realistic";
        var description = market.Session.Mode == SessionMode.Always
            ? "Simulated market, trading around the clock"
            : $"Simulated market, NSE hours (09:15–15:30 IST, Mon–Fri): {(trading ? "trading" : "no ticks until the next session")}";
        var data = new Dictionary<string, object> { ["market"] = "simulated", ["session"] = session, ["trading"] = trading };
        return Task.FromResult(HealthCheckResult.Healthy(description, data));
    }
}
