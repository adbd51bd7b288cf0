namespace TradingHelper.Core.Brokers.Fyers;

/// <summary>One level of the order book; null where the server has never sent a value.</summary>
public readonly record struct FyersDepthLevel(decimal? Price, long? Quantity, long? Orders);
