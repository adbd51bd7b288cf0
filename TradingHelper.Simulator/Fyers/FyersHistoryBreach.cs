namespace TradingHelper.Simulator.Fyers;

/// <summary>Which of Fyers' REST windows a request overran.</summary>
internal enum FyersHistoryBreach
{
    PerSecond,
    PerMinute,
    PerDay,
}
