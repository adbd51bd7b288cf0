using System.Buffers.Binary;

namespace TradingHelper.Core.Brokers.Kite;

/// <summary>Writes a tick as one ticker packet in the exact wire layout of its <see cref="KiteTick.Kind"/>.</summary>
public static class KiteTickEncoder
{
    /// <summary>Writes the packet and returns its length; throws when the destination is too small.</summary>
    public static int Write(in KiteTick tick, Span<byte> destination)
    {
        var length = KitePacketLength.Of(tick.Kind);
        var packet = destination[..length];
        BinaryPrimitives.WriteUInt32BigEndian(packet, tick.InstrumentToken);
        BinaryPrimitives.WriteUInt32BigEndian(packet[4..], tick.LastPrice);
        switch (tick.Kind)
        {
            case KitePacketKind.IndexQuote:
            case KitePacketKind.IndexFull:
                WriteIndex(tick, packet);
                break;
            case KitePacketKind.Quote:
            case KitePacketKind.Full:
                WriteTradable(tick, packet);
                break;
        }
        return length;
    }

    private static void WriteIndex(in KiteTick tick, Span<byte> packet)
    {
        BinaryPrimitives.WriteUInt32BigEndian(packet[8..], tick.High);
        BinaryPrimitives.WriteUInt32BigEndian(packet[12..], tick.Low);
        BinaryPrimitives.WriteUInt32BigEndian(packet[16..], tick.Open);
        BinaryPrimitives.WriteUInt32BigEndian(packet[20..], tick.Close);
        BinaryPrimitives.WriteInt32BigEndian(packet[24..], tick.Change);
        if (tick.Kind == KitePacketKind.IndexFull)
        {
            BinaryPrimitives.WriteUInt32BigEndian(packet[28..], tick.ExchangeTimestampSeconds);
        }
    }

    private static void WriteTradable(in KiteTick tick, Span<byte> packet)
    {
        BinaryPrimitives.WriteUInt32BigEndian(packet[8..], tick.LastQuantity);
        BinaryPrimitives.WriteUInt32BigEndian(packet[12..], tick.AveragePrice);
        BinaryPrimitives.WriteUInt32BigEndian(packet[16..], tick.Volume);
        BinaryPrimitives.WriteUInt32BigEndian(packet[20..], tick.BuyQuantity);
        BinaryPrimitives.WriteUInt32BigEndian(packet[24..], tick.SellQuantity);
        BinaryPrimitives.WriteUInt32BigEndian(packet[28..], tick.Open);
        BinaryPrimitives.WriteUInt32BigEndian(packet[32..], tick.High);
        BinaryPrimitives.WriteUInt32BigEndian(packet[36..], tick.Low);
        BinaryPrimitives.WriteUInt32BigEndian(packet[40..], tick.Close);
        if (tick.Kind != KitePacketKind.Full)
        {
            return;
        }

        BinaryPrimitives.WriteUInt32BigEndian(packet[44..], tick.LastTradeTimeSeconds);
        BinaryPrimitives.WriteUInt32BigEndian(packet[48..], tick.OpenInterest);
        BinaryPrimitives.WriteUInt32BigEndian(packet[52..], tick.OpenInterestDayHigh);
        BinaryPrimitives.WriteUInt32BigEndian(packet[56..], tick.OpenInterestDayLow);
        BinaryPrimitives.WriteUInt32BigEndian(packet[60..], tick.ExchangeTimestampSeconds);
        var bids = tick.Bids;
        var asks = tick.Asks;
        for (var i = 0; i < KiteDepthLevels.Count; i++)
        {
            WriteLevel(bids[i], packet.Slice(KiteWireLayout.BidsOffset + (KiteWireLayout.DepthLevelLength * i), KiteWireLayout.DepthLevelLength));
            WriteLevel(asks[i], packet.Slice(KiteWireLayout.AsksOffset + (KiteWireLayout.DepthLevelLength * i), KiteWireLayout.DepthLevelLength));
        }
    }

    private static void WriteLevel(KiteDepthLevel level, Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, level.Quantity);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], level.Price);
        BinaryPrimitives.WriteUInt16BigEndian(destination[8..], level.Orders);
        destination[10..].Clear();
    }
}
