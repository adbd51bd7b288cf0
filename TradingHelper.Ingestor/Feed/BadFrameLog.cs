namespace TradingHelper.Ingestor.Feed;

/// <summary>
/// Keeps garbage at wire speed from flooding the log: the first bad frame after a quiet <see cref="Interval"/> is logged at
/// once, the rest only as one summary when the interval ends, so a connection writes at most one entry per interval.
/// </summary>
public sealed class BadFrameLog : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly Action<long, TimeSpan> _logSummary;
    private readonly ITimer _timer;
    private long _unlogged;
    private bool _quiet;

    /// <param name="time">The clock the interval runs on.</param>
    /// <param name="logSummary">Logs how many bad packets or frames went unlogged in the interval just ended.</param>
    public BadFrameLog(TimeProvider time, Action<long, TimeSpan> logSummary)
    {
        _logSummary = logSummary;
        _timer = time.CreateTimer(_ => EndInterval(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Notes <paramref name="count"/> bad packets or frames; true when the caller should log them now.</summary>
    public bool ShouldLog(int count)
    {
        lock (_gate)
        {
            if (_quiet)
            {
                _unlogged += count;
                return false;
            }
            _quiet = true;
            _timer.Change(Interval, Timeout.InfiniteTimeSpan);
            return true;
        }
    }

    public void Dispose() => _timer.Dispose();

    private void EndInterval()
    {
        long unlogged;
        lock (_gate)
        {
            unlogged = _unlogged;
            _unlogged = 0;
            // The summary is an entry too, so the next interval stays quiet as well; one without bad frames ends the quiet.
            _quiet = unlogged > 0;
            if (_quiet)
            {
                _timer.Change(Interval, Timeout.InfiniteTimeSpan);
            }
        }
        if (unlogged > 0)
        {
            _logSummary(unlogged, Interval);
        }
    }
}
