namespace TradingHelper.Api.Instruments;

/// <summary>Structured log messages of the instrument routes.</summary>
internal static partial class InstrumentsLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Instrument sync {JobId} requested as command {CommandId}")]
    public static partial void LogSyncRequested(this ILogger logger, Guid jobId, string commandId);
}
