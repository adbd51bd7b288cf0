namespace TradingHelper.Core.Candles;

/// <summary>Candle widths the query path serves; hourly candles start at 09:15 IST, daily ones at IST midnight.</summary>
public enum CandleInterval
{
    OneMinute,
    FiveMinutes,
    FifteenMinutes,
    OneHour,
    OneDay,
}
