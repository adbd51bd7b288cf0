namespace TradingHelper.Ingestor.Leases;

/// <summary>What one renewal changed in the set of instruments this Ingestor streams.</summary>
/// <param name="TakenOver">Instruments claimed from another holder (released, or left to expire by a crashed Ingestor).</param>
/// <param name="HandoverFrom">The earliest moment their previous holders were last known to stream them.</param>
/// <param name="ToRelease">Instruments over this Ingestor's fair share: to be unsubscribed first, then released.</param>
public sealed record LeaseChange(int[] TakenOver, DateTimeOffset HandoverFrom, int[] ToRelease)
{
    public static readonly LeaseChange None = new([], default, []);
}
