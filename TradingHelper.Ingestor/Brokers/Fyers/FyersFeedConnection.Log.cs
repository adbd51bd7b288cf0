using TradingHelper.Core.Brokers.Fyers;

namespace TradingHelper.Ingestor.Brokers.Fyers;

/// <summary>The data socket's log lines: one per state change, and the events of the socket's life.</summary>
public sealed partial class FyersFeedConnection
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Fyers data socket: {Previous} -> {State} {Problem}")]
    private static partial void LogStateChanged(ILogger logger, FyersConnectionState previous, FyersConnectionState state, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Fyers data socket authenticated and subscribed {Count} topics")]
    private static partial void LogSubscribed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Fyers data socket redials in {DelayMs:0} ms (attempt {Attempt})")]
    private static partial void LogRedialling(ILogger logger, double delayMs, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Fyers data socket: {Problem}; trying again in {Seconds:0} s or when the configuration changes")]
    private static partial void LogWaitingForToken(ILogger logger, string problem, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Fyers data socket refused the access token's hsm_key; waiting for a new token")]
    private static partial void LogTokenRejected(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fyers data socket: {Type} answered {Status}")]
    private static partial void LogRequestRefused(ILogger logger, FyersMessageType type, FyersResponseStatus status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fyers data socket to {Url} failed: {Error}")]
    private static partial void LogDialFailed(ILogger logger, string url, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fyers data socket sent nothing for {Seconds:0.0} s; dropping it")]
    private static partial void LogWatchdog(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fyers data socket: skipped undecodable data frame {MessageNumber} ({Total} on this socket)")]
    private static partial void LogBadFrame(ILogger logger, uint messageNumber, long total);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fyers data socket: {Count} more undecodable data frames skipped in the last {Seconds:0} s")]
    private static partial void LogBadFramesSummary(ILogger logger, long count, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fyers data socket: the close handshake failed: {Error}")]
    private static partial void LogCloseFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fyers data socket cut off without a close answer ({Reason})")]
    private static partial void LogAborting(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fyers data socket: sending a subscription change failed; the socket is redialled")]
    private static partial void LogApplyFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Fyers data socket failed unexpectedly; redialling after the backoff")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);
}
