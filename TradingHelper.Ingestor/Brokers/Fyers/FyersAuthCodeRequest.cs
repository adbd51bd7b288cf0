using System.Text.Json.Serialization;

namespace TradingHelper.Ingestor.Brokers.Fyers;

/// <summary>The body of Fyers' <c>validate-authcode</c>, which exchanges a login's auth code for an access token.</summary>
internal sealed record FyersAuthCodeRequest(
    [property: JsonPropertyName("grant_type")] string GrantType,
    [property: JsonPropertyName("appIdHash")] string AppIdHash,
    [property: JsonPropertyName("code")] string Code);
