namespace TradingHelper.Ingestor.Brokers.Kite;

/// <summary>Kite refused the request's parameters (InputException): a bug or a bad job, never retried.</summary>
public sealed class KiteInputException : KiteApiException
{
    public KiteInputException()
    {
    }

    public KiteInputException(string message) : base(message)
    {
    }

    public KiteInputException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public KiteInputException(string message, int? statusCode) : base(message, "InputException", statusCode)
    {
    }
}
