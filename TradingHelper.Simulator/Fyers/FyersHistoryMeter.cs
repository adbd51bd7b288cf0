using TradingHelper.Core.Market;

namespace TradingHelper.Simulator.Fyers;

/// <summary>
/// Fyers' REST limits as the simulator enforces them: every history request is counted on arrival, and one that makes any
/// rolling second, rolling minute or IST day hold more than its limit is a breach, answered 429 and counted, so tests can
/// prove a client never breaches. Rolling windows are stricter than calendar ones: a client that passes here passes both.
/// </summary>
internal sealed class FyersHistoryMeter
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly Queue<DateTimeOffset> _lastMinute = new();
    private DateOnly _day;
    private long _today;
    private long _requests;
    private long _secondBreaches;
    private long _minuteBreaches;
    private long _dayBreaches;

    /// <summary>Counts a request arriving at <paramref name="now"/>; returns the window it breached, or null.</summary>
    public FyersHistoryBreach? Record(DateTimeOffset now, int perSecond, int perMinute, long perDay)
    {
        lock (_gate)
        {
            _requests++;
            while (_lastMinute.Count > 0 && _lastMinute.Peek() <= now - Minute)
            {
                _lastMinute.Dequeue();
            }
            _lastMinute.Enqueue(now);
            var day = IstClock.Today(now);
            if (day != _day)
            {
                _day = day;
                _today = 0;
            }
            _today++;
            var inSecond = 0;
            foreach (var arrival in _lastMinute)
            {
                if (arrival > now - Second)
                {
                    inSecond++;
                }
            }
            if (inSecond > perSecond)
            {
                _secondBreaches++;
                return FyersHistoryBreach.PerSecond;
            }
            if (_lastMinute.Count > perMinute)
            {
                _minuteBreaches++;
                return FyersHistoryBreach.PerMinute;
            }
            if (_today > perDay)
            {
                _dayBreaches++;
                return FyersHistoryBreach.PerDay;
            }
            return null;
        }
    }

    /// <summary>Requests and breaches since start.</summary>
    public FyersHistoryStats Snapshot()
    {
        lock (_gate)
        {
            return new FyersHistoryStats(_requests, _secondBreaches, _minuteBreaches, _dayBreaches);
        }
    }
}
