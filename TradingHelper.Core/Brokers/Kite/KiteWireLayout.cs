namespace TradingHelper.Core.Brokers.Kite;

/// <summary>Offsets of the binary ticker frame shared by the decoder and the encoder.</summary>
internal static class KiteWireLayout
{
    public const int CountLength = 2;
    public const int PacketLengthLength = 2;
    public const int BidsOffset = 64;
    public const int AsksOffset = 124;
    public const int DepthLevelLength = 12;
}
