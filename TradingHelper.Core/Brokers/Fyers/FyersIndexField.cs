namespace TradingHelper.Core.Brokers.Fyers;

/// <summary>Value positions of an index (<c>if</c>) record; 6 and 7 come from one captured schema only.</summary>
public enum FyersIndexField
{
    LastPrice = 0,
    PreviousClose = 1,
    ExchangeFeedTime = 2,
    High = 3,
    Low = 4,
    Open = 5,
    YearHigh = 6,
    YearLow = 7,
}
