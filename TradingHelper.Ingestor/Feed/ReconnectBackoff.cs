namespace TradingHelper.Ingestor.Feed;

/// <summary>
/// Delays between reconnect attempts: exponential from the initial delay up to the maximum, with full jitter so that
/// connections dropped together do not redial together; a connection that stayed up long enough starts over.
/// </summary>
public sealed class ReconnectBackoff(TimeSpan initialDelay, TimeSpan maxDelay, TimeSpan healthyAfter, TimeProvider timeProvider, Random random)
{
    // 2^30 × the smallest initial delay is far past any maximum; capping the exponent keeps the arithmetic finite.
    private const int MaxExponent = 30;
    private int _attempt;
    private DateTimeOffset? _connectedAt;

    /// <summary>Failed attempts since the last healthy connection.</summary>
    public int Attempt => _attempt;

    /// <summary>Notes that a connection came up; if it then lasts <c>healthyAfter</c>, the next delay starts from the initial one.</summary>
    public void Connected() => _connectedAt = timeProvider.GetUtcNow();

    /// <summary>The upper bound of the delay before attempt <paramref name="attempt"/> (0-based).</summary>
    public TimeSpan CeilingOf(int attempt)
    {
        var scaled = initialDelay.Ticks * Math.Pow(2, Math.Min(attempt, MaxExponent));
        return scaled >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)scaled);
    }

    /// <summary>The delay before the next attempt: uniform between zero and the current ceiling.</summary>
    public TimeSpan NextDelay()
    {
        if (_connectedAt is { } connectedAt && timeProvider.GetUtcNow() - connectedAt >= healthyAfter)
        {
            _attempt = 0;
        }
        _connectedAt = null;
        var ceiling = CeilingOf(_attempt);
        _attempt = Math.Min(_attempt + 1, MaxExponent);
        return TimeSpan.FromTicks((long)(random.NextDouble() * ceiling.Ticks));
    }
}
