namespace TradingHelper.Ingestor.Backfill;

/// <summary>The broker will not serve this instrument's history (unknown symbol, bad range, lasting error): the backfill item fails with the message.</summary>
public sealed class HistoryUnavailableException : Exception
{
    public HistoryUnavailableException()
    {
    }

    public HistoryUnavailableException(string message)
        : base(message)
    {
    }

    public HistoryUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
