namespace TradingHelper.Tests.Api;

/// <summary>
/// The system clock moved to start at <paramref name="start"/>: it runs on from there, and timers and delays stay real,
/// so a whole Api can live in a chosen hour (a Saturday, a Monday morning) whenever the test runs.
/// </summary>
public sealed class ShiftedTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly TimeSpan _shift = start - System.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + _shift;
}
