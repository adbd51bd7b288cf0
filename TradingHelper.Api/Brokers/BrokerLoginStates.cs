using System.Buffers.Text;
using System.Security.Cryptography;
using StackExchange.Redis;

namespace TradingHelper.Api.Brokers;

/// <summary>
/// The one-time <c>state</c> each broker login carries through the broker's page and back: kept in Redis, so whichever Api
/// instance the callback reaches can take it once, and in an HttpOnly cookie scoped to that broker's routes, so only the
/// browser that started the login can.
/// </summary>
public sealed class BrokerLoginStates(IConnectionMultiplexer redis)
{
    /// <summary>How long a login may stay at the broker, password and second factor included.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    /// <summary>Issues a new state for <paramref name="broker"/>'s login, remembered in Redis and in the browser's cookie.</summary>
    public async Task<string> IssueAsync(string broker, HttpContext context)
    {
        var state = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        await redis.GetDatabase().StringSetAsync(Key(broker, state), "", Lifetime);
        context.Response.Cookies.Append(CookieName(broker), state, Cookie(broker, context));
        return state;
    }

    /// <summary>Takes the callback's state: true once, when this browser's login was issued it less than <see cref="Lifetime"/> ago.</summary>
    public async Task<bool> TryTakeAsync(string broker, string? state, HttpContext context)
    {
        if (string.IsNullOrEmpty(state)
            || !string.Equals(state, context.Request.Cookies[CookieName(broker)], StringComparison.Ordinal)
            || !await redis.GetDatabase().KeyDeleteAsync(Key(broker, state)))
        {
            return false;
        }
        context.Response.Cookies.Delete(CookieName(broker), Cookie(broker, context));
        return true;
    }

    private static string CookieName(string broker) => $"tradinghelper_{broker}_state";

    private static string Key(string broker, string state) => $"tradinghelper:broker-session:{broker}:login-state:{state}";

    // Lax, not Strict: the broker's redirect back is a cross-site top-level navigation, which must carry the cookie.
    private static CookieOptions Cookie(string broker, HttpContext context) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Secure = context.Request.IsHttps,
        Path = $"/api/brokers/{broker}",
        MaxAge = Lifetime,
        IsEssential = true,
    };
}
