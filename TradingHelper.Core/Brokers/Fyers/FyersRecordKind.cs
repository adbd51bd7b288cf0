namespace TradingHelper.Core.Brokers.Fyers;

/// <summary>The first byte of a record inside a data frame.</summary>
public enum FyersRecordKind : byte
{
    /// <summary>'S': binds a topic id to its name and sets every value, the multiplier and the precision.</summary>
    Snapshot = 0x53,
    /// <summary>'U': patches values by position.</summary>
    Update = 0x55,
    /// <summary>'L': the last price only, in lite mode.</summary>
    Lite = 0x4C,
}
