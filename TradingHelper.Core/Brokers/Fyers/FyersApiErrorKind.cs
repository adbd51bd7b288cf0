namespace TradingHelper.Core.Brokers.Fyers;

/// <summary>What a REST client should do about a Fyers error.</summary>
public enum FyersApiErrorKind
{
    /// <summary>Token expired, invalid, or not accepted (-8, -15, -16, -17, -352 invalid App ID, HTTP 401): stop and log in again.</summary>
    Authentication,
    /// <summary>Rate limit (-429, legacy -353, HTTP 429): back off; three per-minute breaches block the user for the day.</summary>
    RateLimited,
    /// <summary>Bad parameters such as range or resolution (-50, HTTP 400): report, do not retry.</summary>
    InvalidInput,
    /// <summary>Unknown symbol, also an expired contract on /data/history (-300): report, do not retry.</summary>
    InvalidSymbol,
    /// <summary>The app lacks the permission template (HTTP 403): stop.</summary>
    PermissionDenied,
    /// <summary>Server error (HTTP 5xx): retry later.</summary>
    ServerError,
    /// <summary>A code or body this client does not know: report.</summary>
    Unknown,
}
