using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TradingHelper.Core.Brokers;
using TradingHelper.Core.Brokers.Fyers;

namespace TradingHelper.Ingestor.Brokers.Fyers;

/// <summary>
/// Owns the Fyers session's lifetime: at start puts a stored unexpired login in force, picks up a login another Ingestor
/// stored, and publishes the status (valid until the JWT's expiry, or why a login is needed and where) for the Api.
/// </summary>
public sealed partial class FyersSessionKeeper(
    FyersSession session,
    FyersSessionStore store,
    IOptions<FyersOptions> options,
    TimeProvider time,
    ILogger<FyersSessionKeeper> logger) : BackgroundService
{
    private BrokerSessionStatus? _published;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CheckAsync();
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                // The session in force here is unaffected; try again next pass.
                LogCheckFailed(logger, exception);
            }
            await Task.Delay(options.Value.SessionCheckInterval, time, stoppingToken);
        }
    }

    /// <summary>One pass: adopt a stored login newer than the one in force, publish the status when it changed.</summary>
    internal async Task CheckAsync()
    {
        if (await store.LoadTokenAsync() is { } stored && stored.AccessToken != session.AccessToken)
        {
            session.Update(stored.AccessToken);
            LogRestored(logger, stored.ExpiresAt);
        }
        var status = Assess();
        if (_published is null || _published with { UpdatedAt = status.UpdatedAt } != status)
        {
            await store.WriteStatusAsync(status);
            _published = status;
        }
    }

    private BrokerSessionStatus Assess()
    {
        var now = time.GetUtcNow();
        if (session.AccessToken is not { Length: > 0 } token)
        {
            return new BrokerSessionStatus(false, null, $"No Fyers login yet; log in at {FyersSession.LoginPath}", now);
        }
        try
        {
            return new BrokerSessionStatus(true, FyersAccessToken.Parse(token, time).ExpiresAt, null, now);
        }
        catch (FyersAccessTokenException exception)
        {
            return new BrokerSessionStatus(false, null, $"{exception.Message} Log in at {FyersSession.LoginPath}", now);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Fyers session restored from Redis; valid until {ExpiresAt:O}")]
    private static partial void LogRestored(ILogger logger, DateTimeOffset expiresAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking the Fyers session against Redis failed; retrying on the next pass")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);
}
