namespace TradingHelper.Ingestor.Brokers.Fyers;

/// <summary>One reserved history request; disposing it once the answer is in frees its slot as early as the limits allow.</summary>
public sealed class FyersHistoryPermit : IAsyncDisposable
{
    private readonly FyersHistoryLimiter _limiter;
    private readonly string _id;
    private int _disposed;

    internal FyersHistoryPermit(FyersHistoryLimiter limiter, string id)
    {
        _limiter = limiter;
        _id = id;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _limiter.CompleteAsync(_id);
        }
    }
}
