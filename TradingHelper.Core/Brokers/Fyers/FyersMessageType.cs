namespace TradingHelper.Core.Brokers.Fyers;

/// <summary>The message type byte at offset 2 of every data-socket frame, in both directions.</summary>
public enum FyersMessageType : byte
{
    Authentication = 1,
    Throttle = 2,
    Acknowledgement = 3,
    Subscribe = 4,
    Unsubscribe = 5,
    DataFeed = 6,
    Pause = 7,
    Resume = 8,
    SnapshotRequest = 9,
    OptionChain = 10,
    Heartbeat = 11,
    Mode = 12,
}
