namespace TradingHelper.Simulator.Fyers;

/// <summary>History requests the simulator received and how many overran each limit.</summary>
internal sealed record FyersHistoryStats(long Requests, long PerSecondBreaches, long PerMinuteBreaches, long PerDayBreaches);
