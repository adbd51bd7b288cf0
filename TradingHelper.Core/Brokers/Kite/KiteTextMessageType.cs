namespace TradingHelper.Core.Brokers.Kite;

/// <summary>The <c>type</c> of a server text frame.</summary>
public enum KiteTextMessageType
{
    /// <summary>A type the docs do not list; kept for logging.</summary>
    Other = 0,

    /// <summary>An order postback.</summary>
    Order = 1,

    /// <summary>An error string, such as a refused subscription.</summary>
    Error = 2,

    /// <summary>A broker message or alert.</summary>
    Message = 3,
}
