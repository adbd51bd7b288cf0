using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace TradingHelper.Ingestor.Brokers.Fyers;

/// <summary>The Fyers history budget left in the rolling second, minute and IST day; Degraded once the day's is spent.</summary>
public sealed class FyersHistoryHealthCheck(FyersHistoryLimiter limiter) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        FyersHistoryBudget budget;
        try
        {
            budget = await limiter.ReadBudgetAsync();
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            return HealthCheckResult.Degraded($"The Fyers history budget cannot be read from Redis, so no history request is sent: {exception.Message}");
        }
        var data = new Dictionary<string, object>
        {
            ["remainingThisSecond"] = budget.Second,
            ["remainingThisMinute"] = budget.Minute,
            ["remainingToday"] = budget.Day,
        };
        return budget.Day == 0
            ? HealthCheckResult.Degraded("Fyers' daily history budget is spent; backfills fail until midnight IST", data: data)
            : HealthCheckResult.Healthy(string.Create(CultureInfo.InvariantCulture, $"{budget.Day} Fyers history requests left today"), data);
    }
}
