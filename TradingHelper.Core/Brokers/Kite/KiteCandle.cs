namespace TradingHelper.Core.Brokers.Kite;

/// <summary>One historical candle from Kite, stamped at its start in UTC; prices in rupees.</summary>
public readonly record struct KiteCandle(DateTimeOffset Start, decimal Open, decimal High, decimal Low, decimal Close, long Volume, long? OpenInterest);
