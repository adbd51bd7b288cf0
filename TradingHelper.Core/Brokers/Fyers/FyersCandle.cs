using TradingHelper.Core.Market;

namespace TradingHelper.Core.Brokers.Fyers;

/// <summary>One candle of Fyers history: prices in rupees, volume in units traded within the candle.</summary>
/// <param name="Start">The start of the candle's bucket (intraday buckets are anchored at 09:15 IST).</param>
/// <param name="OpenInterest">Present when the request asked for <c>oi_flag=1</c>.</param>
public readonly record struct FyersCandle(DateTimeOffset Start, decimal Open, decimal High, decimal Low, decimal Close, long Volume, long? OpenInterest)
{
    /// <summary>The IST trading day of the candle; daily candles are stamped 00:00 UTC, so read them by this date, not by their instant.</summary>
    public DateOnly TradingDate => DateOnly.FromDateTime(Start.ToOffset(IndianMarket.IstOffset).DateTime);
}
