namespace TradingHelper.Simulator.Control;

/// <summary>Faults armed through the control API and consumed by the ticker and the REST endpoints.</summary>
internal sealed class FaultInjector(TimeProvider time)
{
    private long _stalledUntilTicks;
    private long _quietUntilTicks;
    private int _tokenErrors;
    private int _history429s;
    private int _lateUnsubscribes;
    private long _unsubscribeDelayTicks;

    public bool IsStalled => time.GetUtcNow().UtcTicks < Interlocked.Read(ref _stalledUntilTicks);

    public void Stall(TimeSpan duration) => Interlocked.Exchange(ref _stalledUntilTicks, (time.GetUtcNow() + duration).UtcTicks);

    /// <summary>Heartbeats only: the sockets stay alive but carry no market data, as outside market hours.</summary>
    public bool IsQuiet => time.GetUtcNow().UtcTicks < Interlocked.Read(ref _quietUntilTicks);

    public void Quiet(TimeSpan duration) => Interlocked.Exchange(ref _quietUntilTicks, (time.GetUtcNow() + duration).UtcTicks);

    public void FailNextTokens(int count) => Interlocked.Exchange(ref _tokenErrors, count);

    public void FailNextHistory(int count) => Interlocked.Exchange(ref _history429s, count);

    public void DelayNextUnsubscribes(int count, TimeSpan delay)
    {
        Interlocked.Exchange(ref _unsubscribeDelayTicks, delay.Ticks);
        Interlocked.Exchange(ref _lateUnsubscribes, count);
    }

    /// <summary>How late this unsubscribe is taken: zero unless one of the armed late unsubscribes is left.</summary>
    public TimeSpan TakeUnsubscribeDelay() =>
        TryTake(ref _lateUnsubscribes) ? TimeSpan.FromTicks(Interlocked.Read(ref _unsubscribeDelayTicks)) : TimeSpan.Zero;

    /// <summary>True when this call must fail with a token error; each armed failure is used once.</summary>
    public bool TakeTokenError() => TryTake(ref _tokenErrors);

    public bool TakeHistory429() => TryTake(ref _history429s);

    public void Clear()
    {
        Interlocked.Exchange(ref _stalledUntilTicks, 0);
        Interlocked.Exchange(ref _quietUntilTicks, 0);
        Interlocked.Exchange(ref _tokenErrors, 0);
        Interlocked.Exchange(ref _history429s, 0);
        Interlocked.Exchange(ref _lateUnsubscribes, 0);
    }

    private static bool TryTake(ref int remaining)
    {
        var current = Volatile.Read(ref remaining);
        while (current > 0)
        {
            var seen = Interlocked.CompareExchange(ref remaining, current - 1, current);
            if (seen == current)
            {
                return true;
            }
            current = seen;
        }
        return false;
    }
}
