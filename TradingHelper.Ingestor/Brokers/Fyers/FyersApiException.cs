using TradingHelper.Core.Brokers.Fyers;

namespace TradingHelper.Ingestor.Brokers.Fyers;

/// <summary>Fyers answered a REST call with an error; <see cref="Error"/> says what kind and whether a retry can help.</summary>
public sealed class FyersApiException : Exception
{
    public FyersApiException(FyersApiError error)
        : base($"Fyers refused the request ({error.Kind}, HTTP {error.HttpStatus}, code {error.Code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}): {error.Message}")
    {
        Error = error;
    }

    public FyersApiException()
        : this(new FyersApiError(null, "unknown error", 0, FyersApiErrorKind.Unknown))
    {
    }

    public FyersApiException(string message)
        : this(new FyersApiError(null, message, 0, FyersApiErrorKind.Unknown))
    {
    }

    public FyersApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = new FyersApiError(null, message, 0, FyersApiErrorKind.Unknown);
    }

    public FyersApiError Error { get; }
}
