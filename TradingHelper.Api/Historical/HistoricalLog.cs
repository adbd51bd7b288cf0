namespace TradingHelper.Api.Historical;

/// <summary>Structured log messages of the historical routes.</summary>
internal static partial class HistoricalLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Backfill job {JobId} of {Instruments} instruments from {From:o} to {To:o} queued as command {CommandId}")]
    public static partial void LogBackfillQueued(this ILogger logger, Guid jobId, int instruments, DateTimeOffset from, DateTimeOffset to, string commandId);
}
