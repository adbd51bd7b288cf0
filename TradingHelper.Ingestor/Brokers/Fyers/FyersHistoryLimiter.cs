using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace TradingHelper.Ingestor.Brokers.Fyers;

/// <summary>
/// Paces Fyers history requests under its per-minute limit (200 on the standard plan; three breaches in a day block the
/// user until midnight), shared by every caller in the process.
/// </summary>
public sealed class FyersHistoryLimiter : IAsyncDisposable
{
    private readonly TokenBucketRateLimiter _limiter;

    public FyersHistoryLimiter(IOptions<FyersOptions> options)
    {
        // One token refilled every 60/rate seconds: evenly spaced requests, at most rate + 1 in any minute and far
        // below Fyers' 10 a second, where a full bucket would allow a burst on top of the minute's refills.
        _limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = 1,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1) / options.Value.HistoryRequestsPerMinute,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    /// <summary>Waits for a turn to send one history request.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        using var lease = await _limiter.AcquireAsync(1, cancellationToken);
        if (!lease.IsAcquired)
        {
            throw new InvalidOperationException("The Fyers history limiter refused a request; its queue is unbounded, so this is a bug.");
        }
    }

    public ValueTask DisposeAsync() => _limiter.DisposeAsync();
}
