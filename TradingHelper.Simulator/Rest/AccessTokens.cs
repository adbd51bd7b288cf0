using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace TradingHelper.Simulator.Rest;

/// <summary>The access tokens the simulator honours: the configured static one and every one it issued through <c>/session/token</c>.</summary>
internal sealed class AccessTokens(IOptions<SimulatorOptions> options)
{
    private readonly ConcurrentDictionary<string, byte> _issued = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _usedRequestTokens = new(StringComparer.Ordinal);

    public string ApiKey => options.Value.ApiKey;

    public bool IsValid(string? apiKey, string? accessToken) =>
        string.Equals(apiKey, options.Value.ApiKey, StringComparison.Ordinal)
        && !string.IsNullOrEmpty(accessToken)
        && (_issued.ContainsKey(accessToken)
            || string.Equals(accessToken, options.Value.StaticAccessToken, StringComparison.Ordinal));

    /// <summary>Kite's checksum: lowercase hex SHA-256 of api_key, request_token and api_secret joined with nothing between.</summary>
    public bool IsChecksumValid(string apiKey, string requestToken, string checksum)
    {
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey + requestToken + options.Value.ApiSecret)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(checksum.ToLowerInvariant()));
    }

    /// <summary>A request token is single use, as on Kite.</summary>
    public bool TryUseRequestToken(string requestToken) => _usedRequestTokens.TryAdd(requestToken, 0);

    public string Issue()
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _issued[token] = 0;
        return token;
    }
}
