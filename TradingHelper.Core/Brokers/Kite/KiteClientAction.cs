namespace TradingHelper.Core.Brokers.Kite;

/// <summary>The <c>a</c> of a client-to-server ticker message.</summary>
public enum KiteClientAction
{
    Subscribe = 0,
    Unsubscribe = 1,
    Mode = 2,
}
