namespace TradingHelper.Ingestor.Brokers.Fyers;

/// <summary>Where the Fyers data socket is in its life, as /health and the log report it.</summary>
public enum FyersConnectionState
{
    /// <summary>No instruments to stream, so no socket is needed.</summary>
    Idle = 0,

    /// <summary>The access token is missing, malformed, expired, or was refused; it waits for a new one.</summary>
    WaitingForToken = 1,

    /// <summary>Dialling, authenticating and subscribing.</summary>
    Connecting = 2,

    /// <summary>Authenticated and subscribed.</summary>
    Up = 3,

    /// <summary>The socket dropped or could not be opened; it waits out the backoff.</summary>
    Reconnecting = 4,

    /// <summary>The host is stopping.</summary>
    Stopped = 5,
}
