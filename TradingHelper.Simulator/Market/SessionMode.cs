namespace TradingHelper.Simulator.Market;

/// <summary>When the simulated exchange trades.</summary>
public enum SessionMode
{
    /// <summary>Around the clock, every day: a newcomer in the evening still sees prices move. Today's history has every minute.</summary>
    Always,

    /// <summary>NSE's hours: 09:15–15:30 IST, Monday to Friday. No ticks outside them.</summary>
    Realistic,
}
