using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace TradingHelper.Simulator.Fyers;

/// <summary>The data-socket credentials the simulator honours: the configured static <c>hsm_key</c> and the keys of tokens it issued.</summary>
internal sealed class FyersAccessTokens(IOptions<SimulatorOptions> options, TimeProvider time)
{
    /// <summary>The App ID the simulator puts in front of the tokens it issues.</summary>
    public const string AppId = "SIMFYERS-100";

    private readonly ConcurrentDictionary<string, byte> _issued = new(StringComparer.Ordinal);

    public bool IsValid(string? hsmKey) =>
        !string.IsNullOrEmpty(hsmKey)
        && (_issued.ContainsKey(hsmKey) || string.Equals(hsmKey, options.Value.FyersHsmKey, StringComparison.Ordinal));

    /// <summary>Issues <c>APP_ID:JWT</c> with a fresh 56-hex <c>hsm_key</c>, expiring a day from now; the signature is not meant to verify.</summary>
    public string Issue()
    {
        var hsmKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(28));
        _issued[hsmKey] = 0;
        return $"{AppId}:{CreateJwt(hsmKey, time.GetUtcNow().AddDays(1))}";
    }

    /// <summary>An unsigned JWT carrying the two claims a data-socket client reads.</summary>
    public static string CreateJwt(string hsmKey, DateTimeOffset expiresAt)
    {
        var header = Base64Url.EncodeToString("""{"alg":"HS256","typ":"JWT"}"""u8);
        var payload = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["iss"] = "api.fyers.in",
            ["sub"] = "access_token",
            ["hsm_key"] = hsmKey,
            ["exp"] = expiresAt.ToUnixTimeSeconds(),
        }));
        return $"{header}.{payload}.{Base64Url.EncodeToString(Encoding.ASCII.GetBytes("simulator"))}";
    }
}
