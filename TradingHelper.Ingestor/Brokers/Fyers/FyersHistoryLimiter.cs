using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TradingHelper.Core.Brokers.Fyers;

namespace TradingHelper.Ingestor.Brokers.Fyers;

/// <summary>
/// Fyers' REST limits (10 a second, 200 a minute, 100,000 a day on the standard plan; three per-minute breaches in a day
/// block the user until midnight IST), kept in Redis for every caller of every Ingestor, so neither concurrency nor a
/// restart can spend the budget twice.
/// </summary>
/// <remarks>
/// Each request is one entry in a sorted set scored with the latest instant it can reach Fyers: its reservation time plus the
/// request timeout while in flight, lowered to the time its answer came back. A request is let go only when fewer than the
/// limit of entries score inside the last second (and minute): any window that could hold its arrival then holds fewer
/// than the limit of others, whatever the network delays, because an arrival lies between reservation and answer. One Lua
/// script reads Redis' clock, counts and reserves, so two callers can never take the same slot. The day's count is a
/// counter per IST date, counted at reservation.
/// </remarks>
public sealed class FyersHistoryLimiter(IConnectionMultiplexer redis, IOptionsMonitor<FyersOptions> options, FyersHistoryMetrics metrics, TimeProvider time)
{
    /// <summary>The sorted set of recent requests; the day counters are <c>{this}:day:{IST day number}</c>.</summary>
    public const string Key = "tradinghelper:fyers:history";

    // Longest a waiting caller sleeps before asking again: an answer coming back lowers an entry's score and frees its slot early.
    private static readonly TimeSpan LongestPoll = TimeSpan.FromMilliseconds(200);

    // Returns {granted (1, 0 waiting, -1 day spent), wait ms, in last second, in last minute, today}.
    private const string ReserveScript = """
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
        local perSecond, perMinute, perDay = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
        local dayKey = KEYS[2] .. math.floor((now + 19800000) / 86400000)
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 60000)
        local second = redis.call('ZCOUNT', KEYS[1], '(' .. (now - 1000), '+inf')
        local minute = redis.call('ZCARD', KEYS[1])
        local today = tonumber(redis.call('GET', dayKey) or '0')
        if ARGV[4] == '' then
            return {0, 0, second, minute, today}
        end
        if today >= perDay then
            return {-1, 0, second, minute, today}
        end
        if second >= perSecond then
            local entry = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (now - 1000), '+inf', 'WITHSCORES', 'LIMIT', second - perSecond, 1)
            return {0, tonumber(entry[2]) + 1000 - now, second, minute, today}
        end
        if minute >= perMinute then
            local entry = redis.call('ZRANGE', KEYS[1], minute - perMinute, minute - perMinute, 'WITHSCORES')
            return {0, tonumber(entry[2]) + 60000 - now, second, minute, today}
        end
        redis.call('ZADD', KEYS[1], now + tonumber(ARGV[5]), ARGV[4])
        redis.call('PEXPIRE', KEYS[1], 120000 + tonumber(ARGV[5]))
        today = redis.call('INCR', dayKey)
        redis.call('PEXPIRE', dayKey, 172800000)
        return {1, 0, second + 1, minute + 1, today}
        """;

    // An answer came back: the request reached Fyers before now, so its entry scores now (never later than it did).
    private const string CompleteScript = """
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
        return redis.call('ZADD', KEYS[1], 'XX', 'LT', now, ARGV[1])
        """;

    /// <summary>Waits for a slot under every limit and reserves it; dispose the permit once the answer is read.</summary>
    /// <exception cref="FyersApiException">The day's budget is spent (rate limited until midnight IST).</exception>
    public async Task<FyersHistoryPermit> AcquireAsync(CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("N");
        while (true)
        {
            var settings = options.CurrentValue;
            // Past the timeout the request was cancelled, so it cannot arrive later than this.
            var inFlight = (long)(settings.RequestTimeout + TimeSpan.FromSeconds(1)).TotalMilliseconds;
            var (outcome, wait, budget) = await EvaluateAsync(settings, id, inFlight);
            metrics.Observe(budget);
            if (outcome == 1)
            {
                return new FyersHistoryPermit(this, id);
            }
            if (outcome == -1)
            {
                throw new FyersApiException(new FyersApiError(null,
                    string.Create(CultureInfo.InvariantCulture, $"Fyers' daily history budget of {settings.HistoryRequestsPerDay} requests is spent; it renews at midnight IST"),
                    0, FyersApiErrorKind.RateLimited));
            }
            var delay = TimeSpan.FromMilliseconds(Math.Clamp(wait, 1, LongestPoll.TotalMilliseconds));
            await Task.Delay(delay, time, cancellationToken);
        }
    }

    /// <summary>What is left of each window now, without reserving anything.</summary>
    public async Task<FyersHistoryBudget> ReadBudgetAsync()
    {
        var (_, _, budget) = await EvaluateAsync(options.CurrentValue, "", 0);
        metrics.Observe(budget);
        return budget;
    }

    internal async Task CompleteAsync(string id)
    {
        try
        {
            await redis.GetDatabase().ScriptEvaluateAsync(CompleteScript, [Key], [id]);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // The entry keeps its in-flight score and frees its slot a request timeout later: slower, never over the limit.
            metrics.CompletionLost();
        }
    }

    private async Task<(long Outcome, double WaitMs, FyersHistoryBudget Budget)> EvaluateAsync(FyersOptions settings, string id, long inFlightMs)
    {
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(ReserveScript, [Key, $"{Key}:day:"],
            [settings.HistoryRequestsPerSecond, settings.HistoryRequestsPerMinute, settings.HistoryRequestsPerDay, id, inFlightMs]))!;
        var budget = new FyersHistoryBudget(
            Math.Max(0, settings.HistoryRequestsPerSecond - (long)result[2]),
            Math.Max(0, settings.HistoryRequestsPerMinute - (long)result[3]),
            Math.Max(0, settings.HistoryRequestsPerDay - (long)result[4]));
        return ((long)result[0], (double)result[1], budget);
    }
}
