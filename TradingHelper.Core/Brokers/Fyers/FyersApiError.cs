namespace TradingHelper.Core.Brokers.Fyers;

/// <summary>An error envelope <c>{"s":"error","code":-16,"message":"…"}</c>, classified so a client can stop, retry or report.</summary>
/// <param name="Code">The envelope's code; null when the body had none (or was not JSON).</param>
/// <param name="HttpStatus">The HTTP status of the response.</param>
public sealed record FyersApiError(int? Code, string Message, int HttpStatus, FyersApiErrorKind Kind)
{
    /// <summary>Worth retrying after a pause: rate limits and server errors.</summary>
    public bool IsTransient => Kind is FyersApiErrorKind.RateLimited or FyersApiErrorKind.ServerError;

    /// <summary>Classifies by the envelope's code first, the HTTP status second.</summary>
    public static FyersApiErrorKind Classify(int? code, int httpStatus) => code switch
    {
        -8 or -15 or -16 or -17 or -352 => FyersApiErrorKind.Authentication,
        -429 or -353 or 429 => FyersApiErrorKind.RateLimited,
        -50 => FyersApiErrorKind.InvalidInput,
        -300 => FyersApiErrorKind.InvalidSymbol,
        _ => httpStatus switch
        {
            401 => FyersApiErrorKind.Authentication,
            403 => FyersApiErrorKind.PermissionDenied,
            429 => FyersApiErrorKind.RateLimited,
            400 => FyersApiErrorKind.InvalidInput,
            >= 500 and < 600 => FyersApiErrorKind.ServerError,
            _ => FyersApiErrorKind.Unknown,
        },
    };
}
