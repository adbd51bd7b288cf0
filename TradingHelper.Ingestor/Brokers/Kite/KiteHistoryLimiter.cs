using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace TradingHelper.Ingestor.Brokers.Kite;

/// <summary>Kite's historical limit (3 requests/s per API key), shared by every caller in the process.</summary>
public sealed class KiteHistoryLimiter : IAsyncDisposable
{
    private readonly TokenBucketRateLimiter _limiter;

    public KiteHistoryLimiter(IOptions<KiteOptions> options)
    {
        // A bucket of one token refilled every 1/rate seconds: never more than `rate` requests in any one-second window,
        // where a bucket of `rate` tokens would allow a burst plus refills within the same second.
        _limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = 1,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1 / options.Value.HistoryRequestsPerSecond),
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
            throw new InvalidOperationException("The Kite history limiter refused a request; its queue is unbounded, so this is a bug.");
        }
    }

    public ValueTask DisposeAsync() => _limiter.DisposeAsync();
}
