namespace TradingHelper.Core.Brokers.Kite;

/// <summary>Byte lengths of the ticker packet kinds, and the mapping between the two.</summary>
public static class KitePacketLength
{
    public const int Ltp = 8;
    public const int IndexQuote = 28;
    public const int IndexFull = 32;
    public const int Quote = 44;
    public const int Full = 184;

    /// <summary>The length a packet of this kind occupies on the wire.</summary>
    public static int Of(KitePacketKind kind) => kind switch
    {
        KitePacketKind.Ltp => Ltp,
        KitePacketKind.IndexQuote => IndexQuote,
        KitePacketKind.IndexFull => IndexFull,
        KitePacketKind.Quote => Quote,
        KitePacketKind.Full => Full,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a Kite packet kind."),
    };

    /// <summary>The kind a packet of this length has; false for a length Kite never sends.</summary>
    public static bool TryGetKind(int length, out KitePacketKind kind)
    {
        switch (length)
        {
            case Ltp: kind = KitePacketKind.Ltp; return true;
            case IndexQuote: kind = KitePacketKind.IndexQuote; return true;
            case IndexFull: kind = KitePacketKind.IndexFull; return true;
            case Quote: kind = KitePacketKind.Quote; return true;
            case Full: kind = KitePacketKind.Full; return true;
            default: kind = default; return false;
        }
    }
}
