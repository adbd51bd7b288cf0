namespace TradingHelper.Core.Brokers.Fyers;

/// <summary>Why an access token cannot open the data socket.</summary>
public enum FyersAccessTokenProblem
{
    /// <summary>Not a three-part JWT, or its payload is not base64url JSON.</summary>
    Malformed,
    /// <summary>The payload has no <c>hsm_key</c>, or it is null (seen on some real tokens).</summary>
    MissingHsmKey,
    /// <summary>The payload has no numeric <c>exp</c> claim.</summary>
    MissingExpiry,
    /// <summary>The <c>exp</c> claim is in the past; a fresh login is needed (daily, about 06:00 IST).</summary>
    Expired,
}
