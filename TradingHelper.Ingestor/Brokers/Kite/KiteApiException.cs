namespace TradingHelper.Ingestor.Brokers.Kite;

/// <summary>Kite answered a REST call with an error, or could not be reached within the retry budget. Messages never hold secrets.</summary>
public class KiteApiException : Exception
{
    public KiteApiException()
    {
    }

    public KiteApiException(string message) : base(message)
    {
    }

    public KiteApiException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public KiteApiException(string message, string? errorType, int? statusCode, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorType = errorType;
        StatusCode = statusCode;
    }

    /// <summary>Kite's <c>error_type</c>, when the body had one.</summary>
    public string? ErrorType { get; }

    public int? StatusCode { get; }
}
