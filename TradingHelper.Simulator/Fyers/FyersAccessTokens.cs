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
    private readonly ConcurrentDictionary<string, DateTimeOffset> _authCodes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _expired = new(StringComparer.Ordinal);

    public bool IsValid(string? hsmKey) =>
        !string.IsNullOrEmpty(hsmKey) && !_expired.ContainsKey(hsmKey)
        && (_issued.ContainsKey(hsmKey) || string.Equals(hsmKey, options.Value.FyersHsmKey, StringComparison.Ordinal));

    /// <summary>True for a key the simulator honoured until <see cref="ExpireAll"/>: Fyers answers it "token expired", not "invalid".</summary>
    public bool IsExpired(string? hsmKey) => !string.IsNullOrEmpty(hsmKey) && _expired.ContainsKey(hsmKey);

    /// <summary>Lapses every key honoured so far, the configured one included; keys issued afterwards (a new login) are valid.</summary>
    public void ExpireAll()
    {
        if (options.Value.FyersHsmKey is { Length: > 0 } configured)
        {
            _expired[configured] = 0;
        }
        foreach (var hsmKey in _issued.Keys)
        {
            _expired[hsmKey] = 0;
            _issued.TryRemove(hsmKey, out _);
        }
    }

    /// <summary>Issues <c>APP_ID:JWT</c> with a fresh 56-hex <c>hsm_key</c>, expiring a day from now; the signature is not meant to verify.</summary>
    public string Issue() => $"{AppId}:{IssueJwt(time.GetUtcNow().AddDays(1))}";

    /// <summary>A JWT with a fresh <c>hsm_key</c> the data socket and the REST side accept until <paramref name="expiresAt"/>.</summary>
    public string IssueJwt(DateTimeOffset expiresAt)
    {
        var hsmKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(28));
        _issued[hsmKey] = 0;
        return CreateJwt(hsmKey, expiresAt);
    }

    /// <summary>An auth code as <c>generate-authcode</c> hands it to the redirect URI: single use, valid for five minutes.</summary>
    public string IssueAuthCode()
    {
        var code = CreateJwt(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), time.GetUtcNow().AddMinutes(5));
        _authCodes[code] = time.GetUtcNow().AddMinutes(5);
        return code;
    }

    /// <summary>Takes an auth code: true once, within its five minutes.</summary>
    public bool TryUseAuthCode(string code) => _authCodes.TryRemove(code, out var expiresAt) && expiresAt > time.GetUtcNow();

    /// <summary>Fyers' <c>appIdHash</c> for the simulator's app: SHA-256 hex of <c>APP_ID:SECRET</c>.</summary>
    public bool IsAppIdHashValid(string? appIdHash)
    {
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{AppId}:{options.Value.FyersSecretKey}")));
        return appIdHash is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(appIdHash.ToLowerInvariant()));
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
