using System.Threading.RateLimiting;

namespace TradingHelper.Ingestor.Brokers;

/// <summary>Spaces one broker's history requests evenly, shared by every caller in the process.</summary>
public sealed class HistoryRequestPacer : IAsyncDisposable
{
    private readonly string _broker;
    private readonly TokenBucketRateLimiter _limiter;

    public HistoryRequestPacer(string broker, TimeSpan spacing)
    {
        _broker = broker;
        // A bucket of one token refilled every spacing: never a burst on top of the refills, which a bucket as large as
        // the broker's limit would allow within the same window.
        _limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = 1,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = spacing,
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
            throw new InvalidOperationException($"The {_broker} history limiter refused a request; its queue is unbounded, so this is a bug.");
        }
    }

    public ValueTask DisposeAsync() => _limiter.DisposeAsync();
}
