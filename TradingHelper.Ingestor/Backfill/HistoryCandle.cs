namespace TradingHelper.Ingestor.Backfill;

/// <summary>One broker candle in rupees, labelled by its start, as the backfill stores it whichever broker served it.</summary>
public readonly record struct HistoryCandle(DateTimeOffset Start, decimal Open, decimal High, decimal Low, decimal Close, long Volume, long? OpenInterest);
