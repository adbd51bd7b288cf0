namespace TradingHelper.Core.Brokers.Fyers;

/// <summary>What a channel streams: every field (full) or the last price only (lite).</summary>
public enum FyersMode : byte
{
    Full = (byte)'F',
    Lite = (byte)'L',
}
