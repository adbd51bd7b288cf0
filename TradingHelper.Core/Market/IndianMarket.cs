namespace TradingHelper.Core.Market;

/// <summary>Facts of the Indian exchanges that candles and schedules depend on.</summary>
public static class IndianMarket
{
    /// <summary>India Standard Time has no daylight saving: a fixed +05:30 offset.</summary>
    public static readonly TimeSpan IstOffset = TimeSpan.FromMinutes(330);

    /// <summary>NSE's continuous session opens at 09:15 IST; hourly candles start there.</summary>
    public static readonly TimeSpan SessionOpen = new(9, 15, 0);

    /// <summary>NSE's continuous session closes at 15:30 IST.</summary>
    public static readonly TimeSpan SessionClose = new(15, 30, 0);
}
