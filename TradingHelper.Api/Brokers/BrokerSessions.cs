using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;
using TradingHelper.Core.Brokers;
using TradingHelper.Core.Commands;
using TradingHelper.Core.Market;

namespace TradingHelper.Api.Brokers;

/// <summary>What every broker's login routes share: waiting for the Ingestor's outcome and reading the session's status.</summary>
public static class BrokerSessions
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The outcome the Ingestor wrote for the login command <paramref name="correlationId"/>, or null when none came within <paramref name="timeout"/>.</summary>
    public static async Task<BrokerSessionResult?> WaitForResultAsync(
        IConnectionMultiplexer redis, string correlationId, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        var deadline = time.GetUtcNow() + timeout;
        while (time.GetUtcNow() < deadline)
        {
            if ((string?)await database.StringGetAsync(BrokerSessionKeys.Result(correlationId)) is { } json
                && JsonSerializer.Deserialize<BrokerSessionResult>(json, CommandJson.Options) is { } result)
            {
                return result;
            }
            await Task.Delay(PollInterval, time, cancellationToken);
        }
        return null;
    }

    /// <summary>The session's status as the Ingestor last published it; an expiry that passed since counts as one.</summary>
    public static async Task<BrokerSessionStatus> ReadStatusAsync(IConnectionMultiplexer redis, string broker, string expiredProblem, TimeProvider time)
    {
        var json = (string?)await redis.GetDatabase().StringGetAsync(BrokerSessionKeys.Status(broker));
        var status = json is null ? null : JsonSerializer.Deserialize<BrokerSessionStatus>(json, CommandJson.Options);
        // An expiry that passed while no Ingestor was there to say so is still an expiry.
        if (status is { Valid: true, ExpiresAt: { } expiresAt } && expiresAt <= time.GetUtcNow())
        {
            status = status with { Valid = false, Problem = expiredProblem };
        }
        return status ?? new BrokerSessionStatus(false, null, $"No {broker} session has been reported by an Ingestor yet.", time.GetUtcNow());
    }

    /// <summary>An instant as IST wall-clock time for messages.</summary>
    public static string Ist(DateTimeOffset? instant) =>
        instant?.ToOffset(IndianMarket.IstOffset).ToString("yyyy-MM-dd HH:mm 'IST'", CultureInfo.InvariantCulture) ?? "unknown";
}
