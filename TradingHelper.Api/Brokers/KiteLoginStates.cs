using System.Buffers.Text;
using System.Security.Cryptography;
using StackExchange.Redis;

namespace TradingHelper.Api.Brokers;

/// <summary>
/// The one-time <c>state</c> each Kite login carries through Kite's page and back: kept in Redis, so whichever Api instance
/// the callback reaches can take it once, and in an HttpOnly cookie, so only the browser that started the login can.
/// </summary>
public sealed class KiteLoginStates(IConnectionMultiplexer redis)
{
    /// <summary>How long a login may stay at Kite, password and second factor included.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private const string CookieName = "tradinghelper_kite_state";
    private const string CookiePath = "/api/brokers/kite";

    /// <summary>Issues a new state, remembered in Redis and in the browser's cookie.</summary>
    public async Task<string> IssueAsync(HttpContext context)
    {
        var state = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        await redis.GetDatabase().StringSetAsync(Key(state), "", Lifetime);
        context.Response.Cookies.Append(CookieName, state, Cookie(context));
        return state;
    }

    /// <summary>Takes the callback's state: true once, when this browser's login was issued it less than <see cref="Lifetime"/> ago.</summary>
    public async Task<bool> TryTakeAsync(string? state, HttpContext context)
    {
        if (string.IsNullOrEmpty(state)
            || !string.Equals(state, context.Request.Cookies[CookieName], StringComparison.Ordinal)
            || !await redis.GetDatabase().KeyDeleteAsync(Key(state)))
        {
            return false;
        }
        context.Response.Cookies.Delete(CookieName, Cookie(context));
        return true;
    }

    private static string Key(string state) => $"tradinghelper:broker-session:kite:login-state:{state}";

    // Lax, not Strict: Kite's redirect back is a cross-site top-level navigation, which must carry the cookie.
    private static CookieOptions Cookie(HttpContext context) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Secure = context.Request.IsHttps,
        Path = CookiePath,
        MaxAge = Lifetime,
        IsEssential = true,
    };
}
