namespace TradingHelper.Ingestor.Brokers.Fyers;

/// <summary>History requests Fyers would still take now: in the rolling second, the rolling minute and the IST day.</summary>
public sealed record FyersHistoryBudget(long Second, long Minute, long Day);
