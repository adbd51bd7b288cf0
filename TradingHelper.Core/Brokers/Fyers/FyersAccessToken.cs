using System.Buffers.Text;
using System.Text.Json;

namespace TradingHelper.Core.Brokers.Fyers;

/// <summary>The claims of a Fyers access token that the data socket needs: the <c>hsm_key</c> credential and the expiry.</summary>
/// <param name="Jwt">The bare JWT, without any <c>APP_ID:</c> prefix.</param>
/// <param name="HsmKey">The socket credential; the App ID is never sent on the socket.</param>
/// <param name="ExpiresAt">The <c>exp</c> claim; Fyers tokens lapse at about 06:00 IST the next day.</param>
public sealed record FyersAccessToken(string Jwt, string HsmKey, DateTimeOffset ExpiresAt)
{
    /// <summary>Reads a token given bare or as <c>APP_ID:JWT</c>; throws <see cref="FyersAccessTokenException"/> when it is malformed, lacks a claim, or has expired.</summary>
    public static FyersAccessToken Parse(string accessToken, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(accessToken);
        ArgumentNullException.ThrowIfNull(timeProvider);

        var jwt = accessToken[(accessToken.LastIndexOf(':') + 1)..].Trim();
        var parts = jwt.Split('.');
        if (parts.Length != 3 || parts[1].Length == 0)
        {
            throw new FyersAccessTokenException(FyersAccessTokenProblem.Malformed, "The access token is not a JWT of three dot-separated parts.");
        }

        string? hsmKey = null;
        long? expiry = null;
        try
        {
            var payload = Base64Url.DecodeFromChars(parts[1]);
            var reader = new Utf8JsonReader(payload);
            using var claims = JsonDocument.ParseValue(ref reader);
            if (claims.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new FyersAccessTokenException(FyersAccessTokenProblem.Malformed, "The access token's payload is not a JSON object.");
            }
            if (claims.RootElement.TryGetProperty("hsm_key", out var key) && key.ValueKind == JsonValueKind.String)
            {
                hsmKey = key.GetString();
            }
            if (claims.RootElement.TryGetProperty("exp", out var exp) && exp.ValueKind == JsonValueKind.Number && exp.TryGetInt64(out var seconds)
                && seconds >= 0 && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            {
                expiry = seconds;
            }
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            throw new FyersAccessTokenException(FyersAccessTokenProblem.Malformed, "The access token's payload is not base64url-encoded JSON.", ex);
        }

        if (string.IsNullOrEmpty(hsmKey))
        {
            throw new FyersAccessTokenException(FyersAccessTokenProblem.MissingHsmKey, "The access token carries no hsm_key claim, so it cannot authenticate the data socket.");
        }
        if (expiry is not { } expirySeconds)
        {
            throw new FyersAccessTokenException(FyersAccessTokenProblem.MissingExpiry, "The access token carries no numeric exp claim.");
        }

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(expirySeconds);
        if (expiresAt <= timeProvider.GetUtcNow())
        {
            throw new FyersAccessTokenException(FyersAccessTokenProblem.Expired, $"The access token expired at {expiresAt:u}; log in again for a new one.");
        }
        return new FyersAccessToken(jwt, hsmKey, expiresAt);
    }

    /// <summary>True once the token can no longer open a socket.</summary>
    public bool IsExpired(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return ExpiresAt <= timeProvider.GetUtcNow();
    }
}
