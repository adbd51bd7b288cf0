using StackExchange.Redis;
using TradingHelper.Core.Brokers;
using TradingHelper.Core.Brokers.Kite;
using TradingHelper.Core.Commands;

namespace TradingHelper.Ingestor.Brokers.Kite;

/// <summary>
/// Completes the daily login (<see cref="CommandKind.BrokerSession"/>): exchanges the request token for an access token,
/// puts it in force until 06:00 IST, stores it for restarts and writes the outcome for the Api. A failed exchange is
/// rejected, not retried: the request token is single-use.
/// </summary>
public sealed partial class KiteLoginHandler(
    KiteRestClient kite,
    KiteSession session,
    KiteSessionStore store,
    TimeProvider time,
    ILogger<KiteLoginHandler> logger) : ICommandHandler
{
    public string Kind => CommandKind.BrokerSession;

    public async Task HandleAsync(string payloadJson, CancellationToken cancellationToken)
    {
        var command = await BrokerSessionCommands.ReadAsync(payloadJson, KiteSessionStore.Broker, store);

        KiteSessionGrant grant;
        try
        {
            grant = await kite.CreateSessionAsync(command.RequestToken, cancellationToken);
        }
        catch (KiteApiException exception)
        {
            LogLoginFailed(logger, exception.Message);
            await store.WriteResultAsync(command.CorrelationId, new BrokerSessionResult(false, null, exception.Message, IsRequestTokenRefused(exception)));
            throw new CommandRejectedException($"Kite login failed: {exception.Message}");
        }

        var expiresAt = KiteTokenLifetime.ExpiresAt(time.GetUtcNow());
        session.Update(grant.AccessToken, expiresAt);
        try
        {
            if (!await store.SaveTokenAsync(grant.AccessToken, expiresAt))
            {
                LogNotPersisted(logger);
            }
            await store.WriteStatusAsync(new BrokerSessionStatus(true, expiresAt, null, time.GetUtcNow()));
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // The token is in force here; only a restart before 06:00 would need a new login.
            LogPersistFailed(logger, exception);
        }
        // Logged before the result is written: the callback answers as soon as it reads the result.
        LogLoggedIn(logger, grant.UserId, expiresAt);
        await store.WriteResultAsync(command.CorrelationId, new BrokerSessionResult(true, expiresAt, null, false));
    }

    // Kite answers a used, expired or unknown request token with a TokenException, and a wrong checksum or api_key too;
    // those name the field in backticks and are this app's configuration, which a new login cannot mend.
    private static bool IsRequestTokenRefused(KiteApiException exception) =>
        exception is KiteTokenException
        && !exception.Message.Contains("`checksum`", StringComparison.Ordinal)
        && !exception.Message.Contains("`api_key`", StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kite login succeeded for user {UserId}; the session lasts until {ExpiresAt:O}")]
    private static partial void LogLoggedIn(ILogger logger, string? userId, DateTimeOffset expiresAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kite login failed: {Reason}")]
    private static partial void LogLoginFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kite:ApiSecret is not set, so the access token is not stored; a restart needs a new login")]
    private static partial void LogNotPersisted(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Kite session could not be stored in Redis; a restart before 06:00 IST needs a new login")]
    private static partial void LogPersistFailed(ILogger logger, Exception exception);
}
