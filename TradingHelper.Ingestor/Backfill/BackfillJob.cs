namespace TradingHelper.Ingestor.Backfill;

/// <summary>A row of <c>backfill_jobs</c>: candles of [From, To) for each of its items.</summary>
public sealed record BackfillJob(Guid Id, DateTimeOffset From, DateTimeOffset To, string Interval, string Status);

/// <summary>A row of <c>backfill_job_items</c>: one instrument's progress within a job.</summary>
public sealed record BackfillJobItem(int InstrumentId, string Status, DateTimeOffset? FetchedTo, int CandlesWritten);
