using System.Buffers.Binary;

namespace TradingHelper.Core.Brokers.Kite;

/// <summary>Decodes a single ticker packet whose kind is given by its length.</summary>
public static class KiteTickDecoder
{
    /// <summary>Decodes one packet; false (and no tick) for a length Kite never sends.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> packet, out KiteTick tick)
    {
        tick = default;
        if (!KitePacketLength.TryGetKind(packet.Length, out var kind))
        {
            return false;
        }

        tick.Kind = kind;
        tick.InstrumentToken = BinaryPrimitives.ReadUInt32BigEndian(packet);
        tick.LastPrice = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
        switch (kind)
        {
            case KitePacketKind.IndexQuote:
            case KitePacketKind.IndexFull:
                DecodeIndex(packet, ref tick);
                break;
            case KitePacketKind.Quote:
            case KitePacketKind.Full:
                DecodeTradable(packet, ref tick);
                break;
        }
        return true;
    }

    private static void DecodeIndex(ReadOnlySpan<byte> packet, ref KiteTick tick)
    {
        // Indices send high, low, open, close: a different order from tradables.
        tick.High = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        tick.Low = BinaryPrimitives.ReadUInt32BigEndian(packet[12..]);
        tick.Open = BinaryPrimitives.ReadUInt32BigEndian(packet[16..]);
        tick.Close = BinaryPrimitives.ReadUInt32BigEndian(packet[20..]);
        tick.Change = BinaryPrimitives.ReadInt32BigEndian(packet[24..]);
        if (packet.Length == KitePacketLength.IndexFull)
        {
            tick.ExchangeTimestampSeconds = BinaryPrimitives.ReadUInt32BigEndian(packet[28..]);
        }
    }

    private static void DecodeTradable(ReadOnlySpan<byte> packet, ref KiteTick tick)
    {
        tick.LastQuantity = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        tick.AveragePrice = BinaryPrimitives.ReadUInt32BigEndian(packet[12..]);
        tick.Volume = BinaryPrimitives.ReadUInt32BigEndian(packet[16..]);
        tick.BuyQuantity = BinaryPrimitives.ReadUInt32BigEndian(packet[20..]);
        tick.SellQuantity = BinaryPrimitives.ReadUInt32BigEndian(packet[24..]);
        tick.Open = BinaryPrimitives.ReadUInt32BigEndian(packet[28..]);
        tick.High = BinaryPrimitives.ReadUInt32BigEndian(packet[32..]);
        tick.Low = BinaryPrimitives.ReadUInt32BigEndian(packet[36..]);
        tick.Close = BinaryPrimitives.ReadUInt32BigEndian(packet[40..]);
        if (packet.Length != KitePacketLength.Full)
        {
            return;
        }

        tick.LastTradeTimeSeconds = BinaryPrimitives.ReadUInt32BigEndian(packet[44..]);
        tick.OpenInterest = BinaryPrimitives.ReadUInt32BigEndian(packet[48..]);
        tick.OpenInterestDayHigh = BinaryPrimitives.ReadUInt32BigEndian(packet[52..]);
        tick.OpenInterestDayLow = BinaryPrimitives.ReadUInt32BigEndian(packet[56..]);
        tick.ExchangeTimestampSeconds = BinaryPrimitives.ReadUInt32BigEndian(packet[60..]);

        KiteDepthLevels bids = default;
        KiteDepthLevels asks = default;
        for (var i = 0; i < KiteDepthLevels.Count; i++)
        {
            bids[i] = ReadLevel(packet.Slice(KiteWireLayout.BidsOffset + (KiteWireLayout.DepthLevelLength * i), KiteWireLayout.DepthLevelLength));
            asks[i] = ReadLevel(packet.Slice(KiteWireLayout.AsksOffset + (KiteWireLayout.DepthLevelLength * i), KiteWireLayout.DepthLevelLength));
        }
        tick.Bids = bids;
        tick.Asks = asks;
    }

    // Orders is a uint16 followed by two bytes of padding; reading four bytes multiplies it by 65536.
    private static KiteDepthLevel ReadLevel(ReadOnlySpan<byte> level) => new(
        BinaryPrimitives.ReadUInt32BigEndian(level),
        BinaryPrimitives.ReadUInt32BigEndian(level[4..]),
        BinaryPrimitives.ReadUInt16BigEndian(level[8..]));
}
