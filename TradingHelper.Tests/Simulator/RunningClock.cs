using System.Diagnostics;

namespace TradingHelper.Tests.Simulator;

/// <summary>A clock that starts at a chosen instant and runs at real speed, so a test picks the time of day and real timers still fire.</summary>
public sealed class RunningClock(DateTimeOffset start) : TimeProvider
{
    private readonly long _started = Stopwatch.GetTimestamp();

    public override DateTimeOffset GetUtcNow() => start.ToUniversalTime() + Stopwatch.GetElapsedTime(_started);
}
