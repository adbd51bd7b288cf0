namespace TradingHelper.Ingestor.Backfill;

/// <summary>
/// What scheduling a closed feed gap did: linked a new backfill job, found the gap wholly outside market hours
/// (marked, so it is not looked at again), or neither, because another instance scheduled it first.
/// </summary>
public readonly record struct GapJobOutcome(Guid? JobId, bool OutsideMarketHours);
