namespace TradingHelper.Ingestor.Brokers.Kite;

/// <summary>The connection's log lines: one per state change, and the events of the socket's life.</summary>
public sealed partial class KiteTickerConnection
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Kite connection {Connection}: {Previous} -> {State} {Problem}")]
    private static partial void LogStateChanged(ILogger logger, string connection, KiteConnectionState previous, KiteConnectionState state, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kite connection {Connection} subscribed {Count} instruments")]
    private static partial void LogSubscribed(ILogger logger, string connection, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kite connection {Connection} redials in {DelayMs:0} ms (attempt {Attempt})")]
    private static partial void LogRedialling(ILogger logger, string connection, double delayMs, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Kite connection {Connection} to {Url}: access token refused (403); waiting for a new login")]
    private static partial void LogTokenRejected(ILogger logger, string connection, string url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kite connection {Connection} to {Url}: too many connections for this API key (429); backing off")]
    private static partial void LogTooManyConnections(ILogger logger, string connection, string url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kite connection {Connection} to {Url} failed (HTTP {Status}): {Error}")]
    private static partial void LogDialFailed(ILogger logger, string connection, string url, int status, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kite connection {Connection} sent nothing for {Seconds:0.0} s; dropping it")]
    private static partial void LogWatchdog(ILogger logger, string connection, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kite connection {Connection}: skipped {Packets} undecodable packets in a {Bytes}-byte frame")]
    private static partial void LogBadPackets(ILogger logger, string connection, int packets, int bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kite connection {Connection}: unreadable text frame skipped: {Error}")]
    private static partial void LogBadText(ILogger logger, string connection, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kite connection {Connection}: {Count} more undecodable packets or frames skipped in the last {Seconds:0} s")]
    private static partial void LogBadFramesSummary(ILogger logger, string connection, long count, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kite connection {Connection}: Kite reports an error: {Error}")]
    private static partial void LogKiteError(ILogger logger, string connection, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Kite connection {Connection}: order update {Order}")]
    private static partial void LogOrderUpdate(ILogger logger, string connection, string order);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kite connection {Connection}: message of type {Type}: {Data}")]
    private static partial void LogKiteMessage(ILogger logger, string connection, string type, string data);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kite connection {Connection}: the close handshake failed: {Error}")]
    private static partial void LogCloseFailed(ILogger logger, string connection, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kite connection {Connection} cut off without a close answer ({Reason})")]
    private static partial void LogAborting(ILogger logger, string connection, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kite connection {Connection}: sending a subscription change failed; the socket is redialled")]
    private static partial void LogApplyFailed(ILogger logger, Exception exception, string connection);

    [LoggerMessage(Level = LogLevel.Error, Message = "Kite connection {Connection} failed unexpectedly; redialling after the backoff")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception, string connection);
}
