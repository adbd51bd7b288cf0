namespace TradingHelper.Core.Streaming;

/// <summary>A tick still in its published UTF-8 JSON, with the instrument id read out for routing.</summary>
public readonly record struct RawTick(int Token, ReadOnlyMemory<byte> Json);
