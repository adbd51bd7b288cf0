namespace TradingHelper.Api.Historical;

/// <summary>The answer to an accepted backfill: the job to watch at <c>/api/historical/jobs/{jobId}</c> and the command that carries it.</summary>
public sealed record BackfillAccepted(Guid JobId, string CommandId, string Status, DateTimeOffset From, DateTimeOffset To, string Interval, int Instruments);

/// <summary>The payload of a <c>historical.backfill</c> command, as the Ingestor's BackfillHandler reads it.</summary>
public sealed record BackfillCommand(Guid JobId);
