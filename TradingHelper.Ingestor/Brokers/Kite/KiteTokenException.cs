namespace TradingHelper.Ingestor.Brokers.Kite;

/// <summary>Kite rejected the access token (or a login's request token): retrying cannot help until someone logs in.</summary>
public sealed class KiteTokenException : KiteApiException
{
    public KiteTokenException()
    {
    }

    public KiteTokenException(string message) : base(message)
    {
    }

    public KiteTokenException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public KiteTokenException(string message, int? statusCode) : base(message, "TokenException", statusCode)
    {
    }
}
