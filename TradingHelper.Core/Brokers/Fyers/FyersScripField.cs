namespace TradingHelper.Core.Brokers.Fyers;

/// <summary>Value positions of a scrip (<c>sf</c>) record, in the server's schema order.</summary>
public enum FyersScripField
{
    LastPrice = 0,
    /// <summary>Cumulative volume of the trading day.</summary>
    Volume = 1,
    LastTradeTime = 2,
    ExchangeFeedTime = 3,
    BidQuantity = 4,
    AskQuantity = 5,
    BidPrice = 6,
    AskPrice = 7,
    LastTradedQuantity = 8,
    TotalBuyQuantity = 9,
    TotalSellQuantity = 10,
    AveragePrice = 11,
    OpenInterest = 12,
    Low = 13,
    High = 14,
    YearHigh = 15,
    YearLow = 16,
    LowerCircuit = 17,
    UpperCircuit = 18,
    Open = 19,
    PreviousClose = 20,
}
