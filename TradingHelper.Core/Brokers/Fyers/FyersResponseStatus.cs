namespace TradingHelper.Core.Brokers.Fyers;

/// <summary>The server's verdict on a request: "K" accepted, "N" rejected.</summary>
public enum FyersResponseStatus
{
    /// <summary>The frame carries no status (a data frame, or one the decoder ignores).</summary>
    None,
    Accepted,
    Rejected,
    /// <summary>A status field that is neither "K" nor "N", or a malformed control frame.</summary>
    Unknown,
}
