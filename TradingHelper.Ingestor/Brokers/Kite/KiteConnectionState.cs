namespace TradingHelper.Ingestor.Brokers.Kite;

/// <summary>Where one ticker connection is in its life, as /health and the log report it.</summary>
public enum KiteConnectionState
{
    /// <summary>No instruments are assigned to it, so no socket is needed.</summary>
    Idle = 0,

    /// <summary>There is no usable access token; it waits for a login.</summary>
    WaitingForLogin = 1,

    /// <summary>Dialling and subscribing.</summary>
    Connecting = 2,

    /// <summary>The socket is open and subscribed.</summary>
    Up = 3,

    /// <summary>The socket dropped or could not be opened; it waits out the backoff.</summary>
    Reconnecting = 4,

    /// <summary>The host is stopping.</summary>
    Stopped = 5,
}
