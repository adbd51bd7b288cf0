namespace TradingHelper.Simulator.Control;

/// <summary>The failures the simulator can be told to produce.</summary>
internal enum FaultKind
{
    /// <summary>Close every ticker socket.</summary>
    Close,

    /// <summary>Send nothing at all, not even heartbeats, for some seconds while keeping sockets open.</summary>
    Stall,

    /// <summary>Send heartbeats but no market data for some seconds.</summary>
    Quiet,

    /// <summary>Send binary frames holding a packet of a length Kite never sends.</summary>
    Malformed,

    /// <summary>Send binary frames whose last packet is cut short.</summary>
    Truncated,

    /// <summary>Answer the next handshakes and REST calls with 403 TokenException.</summary>
    TokenError,

    /// <summary>Answer the next historical calls with 429 NetworkException.</summary>
    History429,

    /// <summary>Fyers only: every access token issued so far lapses, as at 06:00 IST; the data sockets close and only a new login is accepted.</summary>
    TokenExpired,

    /// <summary>Kite ticker: the next unsubscribe requests are taken some seconds late, their tokens streaming meanwhile, as a broker streams until a request in flight reaches it.</summary>
    LateUnsubscribe,
}
