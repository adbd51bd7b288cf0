using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace TradingHelper.Tests.Brokers.Fyers.Feed;

/// <summary>Access tokens for tests: unsigned <c>APP_ID:JWT</c> with the two claims Fyers clients read.</summary>
internal static class FyersTestTokens
{
    /// <summary>The simulator's default static hsm_key (the spec's test-vector key).</summary>
    public const string SimulatorHsmKey = "0123456789abcdef0123456789abcdef0123456789abcdef01234567";

    public static string Create(string hsmKey, DateTimeOffset expiresAt)
    {
        var header = Base64Url.EncodeToString("""{"alg":"HS256","typ":"JWT"}"""u8);
        var payload = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $$"""{"hsm_key":"{{hsmKey}}","exp":{{expiresAt.ToUnixTimeSeconds()}}}""")));
        return $"TEST-100:{header}.{payload}.c2ln";
    }
}
