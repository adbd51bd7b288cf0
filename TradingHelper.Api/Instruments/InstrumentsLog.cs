namespace TradingHelper.Api.Instruments;

/// <summary>Structured log messages of the instrument routes.</summary>
internal static partial class InstrumentsLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Instrument sync {JobId} requested as command {CommandId}")]
    public static partial void LogSyncRequested(this ILogger logger, Guid jobId, string commandId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Action} of {Requested} instruments changed {Changed} subscriptions; sync requested as command {CommandId}")]
    public static partial void LogSubscriptionsChanged(this ILogger logger, string action, int requested, int changed, string commandId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The history of {Instruments} newly subscribed instruments from {From:o} to {To:o} was not requested; the subscription stands")]
    public static partial void LogHistoryNotRequested(this ILogger logger, Exception exception, int instruments, DateTimeOffset from, DateTimeOffset to);
}
