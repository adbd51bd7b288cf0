using StackExchange.Redis;
using TradingHelper.Core.Brokers;
using TradingHelper.Core.Brokers.Fyers;
using TradingHelper.Core.Commands;

namespace TradingHelper.Ingestor.Brokers.Fyers;

/// <summary>
/// Completes the daily Fyers login (<see cref="CommandKind.BrokerSession"/> for <c>fyers</c>): exchanges the auth code for an
/// access token, puts it in force until its JWT expires, stores it for restarts and writes the outcome for the Api. A
/// failed exchange is rejected, not retried: the auth code is single-use.
/// </summary>
public sealed partial class FyersLoginHandler(
    FyersLoginClient client,
    FyersSession session,
    FyersSessionStore store,
    TimeProvider time,
    ILogger<FyersLoginHandler> logger) : ICommandHandler
{
    public string Kind => CommandKind.BrokerSession;

    public async Task HandleAsync(string payloadJson, CancellationToken cancellationToken)
    {
        var command = await BrokerSessionCommands.ReadAsync(payloadJson, FyersFeed.BrokerName, store);

        string accessToken;
        FyersAccessToken parsed;
        try
        {
            accessToken = await client.ValidateAuthCodeAsync(command.RequestToken, cancellationToken);
            parsed = FyersAccessToken.Parse(accessToken, time);
        }
        catch (Exception exception) when (exception is FyersApiException or FyersAccessTokenException or HttpRequestException)
        {
            var refused = exception is FyersApiException { Error.Kind: FyersApiErrorKind.Authentication or FyersApiErrorKind.InvalidInput } api
                && api.Error.Code != -352;
            LogLoginFailed(logger, exception.Message);
            await store.WriteResultAsync(command.CorrelationId, new BrokerSessionResult(false, null, exception.Message, refused));
            throw new CommandRejectedException($"Fyers login failed: {exception.Message}");
        }

        session.Update(accessToken);
        try
        {
            if (!await store.SaveTokenAsync(accessToken, parsed.ExpiresAt))
            {
                LogNotPersisted(logger);
            }
            await store.WriteStatusAsync(new BrokerSessionStatus(true, parsed.ExpiresAt, null, time.GetUtcNow()));
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // The token is in force here; only a restart before it expires would need a new login.
            LogPersistFailed(logger, exception);
        }
        LogLoggedIn(logger, parsed.ExpiresAt);
        await store.WriteResultAsync(command.CorrelationId, new BrokerSessionResult(true, parsed.ExpiresAt, null, false));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Fyers login succeeded; the session lasts until {ExpiresAt:O}")]
    private static partial void LogLoggedIn(ILogger logger, DateTimeOffset expiresAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fyers login failed: {Reason}")]
    private static partial void LogLoginFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fyers:SecretKey is not set, so the access token is not stored; a restart needs a new login")]
    private static partial void LogNotPersisted(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Fyers session could not be stored in Redis; a restart before it expires needs a new login")]
    private static partial void LogPersistFailed(ILogger logger, Exception exception);
}
