namespace TradingHelper.Core.Brokers.Fyers;

/// <summary>First value position of each five-level block of a depth (<c>dp</c>) record; level n adds n − 1.</summary>
public enum FyersDepthField
{
    BidPrice = 0,
    AskPrice = 5,
    BidQuantity = 10,
    AskQuantity = 15,
    BidOrders = 20,
    AskOrders = 25,
}
