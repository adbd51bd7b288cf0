namespace TradingHelper.Simulator.Market;

/// <summary>One historical candle in rupees, labelled by the start of its interval.</summary>
internal readonly record struct Candle(DateTimeOffset Start, decimal Open, decimal High, decimal Low, decimal Close, long Volume, long OpenInterest);
