using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TradingHelper.Core.Brokers;
using TradingHelper.Core.Brokers.Kite;

namespace TradingHelper.Ingestor.Brokers.Kite;

/// <summary>
/// Owns the session's lifetime: at start puts a stored unexpired token (else <c>Kite:AccessToken</c>) in force,
/// invalidates it at 06:00 IST, picks up a token another Ingestor's login stored, and publishes the status for the Api.
/// </summary>
public sealed partial class KiteSessionKeeper(
    KiteSession session,
    KiteSessionStore store,
    IOptions<KiteOptions> options,
    IOptions<KiteRestOptions> restOptions,
    IOptions<BrokerOptions> broker,
    TimeProvider time,
    ILogger<KiteSessionKeeper> logger) : BackgroundService
{
    public const string ExpiredProblem = "Kite access token expired at 06:00 IST; log in again at /api/brokers/kite/login";

    private string? _lastInForce;
    private (bool Valid, DateTimeOffset? ExpiresAt, string? Problem)? _published;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RestoreAsync();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CheckAsync();
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // Redis down or a malformed key: the session in force here is unaffected; try again next pass.
                LogCheckFailed(logger, exception);
            }
            var wait = restOptions.Value.SessionCheckInterval;
            if (session.ExpiresAt is { } expiresAt && expiresAt - time.GetUtcNow() is var untilExpiry && untilExpiry < wait)
            {
                wait = untilExpiry > TimeSpan.Zero ? untilExpiry : TimeSpan.Zero;
            }
            await Task.Delay(wait, time, stoppingToken);
        }
    }

    /// <summary>Puts a stored unexpired token, else the configured one, in force.</summary>
    internal async Task RestoreAsync()
    {
        try
        {
            if (await store.LoadTokenAsync() is { } stored)
            {
                session.Update(stored.AccessToken, stored.ExpiresAt);
                LogRestored(logger, stored.ExpiresAt);
                return;
            }
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogRedisUnavailable(logger, exception);
        }
        if (options.Value.AccessToken is { Length: > 0 } configured && session.AccessToken is null)
        {
            // The simulator's tokens never expire; a real one pasted into configuration dies at the next 06:00 IST.
            DateTimeOffset? expiresAt = broker.Value.Kind == "simulator" ? null : KiteTokenLifetime.ExpiresAt(time.GetUtcNow());
            session.Update(configured, expiresAt);
            LogConfigured(logger, expiresAt);
        }
    }

    /// <summary>One pass: expire at 06:00 IST, adopt a token stored by another Ingestor, publish the status.</summary>
    internal async Task CheckAsync()
    {
        var now = time.GetUtcNow();
        if (session.ExpiresAt is { } expiresAt && expiresAt <= now && session.AccessToken is not null)
        {
            session.Invalidate(ExpiredProblem);
            LogExpired(logger);
        }
        if (session.AccessToken is { } current)
        {
            _lastInForce = current;
        }
        // A stored token equal to the last one in force is the one Kite just rejected or that just expired.
        else if (await store.LoadTokenAsync() is { } stored && stored.AccessToken != _lastInForce)
        {
            session.Update(stored.AccessToken, stored.ExpiresAt);
            _lastInForce = stored.AccessToken;
            LogRestored(logger, stored.ExpiresAt);
        }

        var state = (session.AccessToken is not null, session.ExpiresAt, session.Problem);
        if (_published != state)
        {
            await store.WriteStatusAsync(new BrokerSessionStatus(state.Item1, state.ExpiresAt, state.Problem, now));
            _published = state;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Kite session restored from Redis; valid until {ExpiresAt:O}")]
    private static partial void LogRestored(ILogger logger, DateTimeOffset expiresAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kite session from Kite:AccessToken; expires {ExpiresAt}")]
    private static partial void LogConfigured(ILogger logger, DateTimeOffset? expiresAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kite access token expired at 06:00 IST; log in again at /api/brokers/kite/login")]
    private static partial void LogExpired(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking the Kite session against Redis failed; retrying on the next pass")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is unavailable; no stored Kite session could be restored")]
    private static partial void LogRedisUnavailable(ILogger logger, Exception exception);
}
