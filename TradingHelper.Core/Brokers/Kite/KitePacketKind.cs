namespace TradingHelper.Core.Brokers.Kite;

/// <summary>The packet layouts of the binary ticker; on the wire a packet's kind is known only from its length.</summary>
public enum KitePacketKind : byte
{
    Ltp = 0,
    IndexQuote = 1,
    IndexFull = 2,
    Quote = 3,
    Full = 4,
}
