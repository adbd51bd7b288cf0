namespace TradingHelper.Core.Brokers.Kite;

/// <summary>Streaming mode a client asks for per instrument; it decides the packet kinds sent.</summary>
public enum KiteMode
{
    Ltp = 0,
    Quote = 1,
    Full = 2,
}
