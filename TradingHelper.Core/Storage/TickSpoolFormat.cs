using System.Buffers.Binary;
using System.IO.Hashing;
using TradingHelper.Core.Market;

namespace TradingHelper.Core.Storage;

/// <summary>
/// The on-disk shape of one spooled batch: <c>magic | crc32 | length | payload</c>, little-endian, where the CRC
/// covers the length and the payload so that a record cut short by a crash is recognised and never replayed.
/// </summary>
internal static class TickSpoolFormat
{
    /// <summary>"THS1": TradingHelper spool, format 1.</summary>
    public const uint Magic = 0x3153_4854;

    public const int HeaderSize = 12;

    /// <summary>Batch id and tick count ahead of the rows.</summary>
    public const int PayloadPrefixSize = 20;

    /// <summary>Fixed-size rows keep decoding a bounds check per record instead of per field.</summary>
    public const int RowSize = 125;

    private const byte HasBidPrice = 1;
    private const byte HasAskPrice = 2;
    private const byte HasBidQuantity = 4;
    private const byte HasAskQuantity = 8;
    private const byte HasExchangeTime = 16;

    public static int RecordSize(int tickCount) => HeaderSize + PayloadPrefixSize + (tickCount * RowSize);

    /// <summary>Encodes a batch into <paramref name="record"/>, which must be exactly <see cref="RecordSize"/> long.</summary>
    public static void Write(Span<byte> record, Guid batchId, ReadOnlySpan<Tick> ticks)
    {
        var payload = record[HeaderSize..];
        batchId.TryWriteBytes(payload);
        BinaryPrimitives.WriteInt32LittleEndian(payload[16..], ticks.Length);
        var rows = payload[PayloadPrefixSize..];
        for (var i = 0; i < ticks.Length; i++)
        {
            WriteRow(rows.Slice(i * RowSize, RowSize), in ticks[i]);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(record, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(record[8..], payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], Crc32.HashToUInt32(record[8..]));
    }

    /// <summary>The payload length a header announces, or -1 when the header is not one of ours.</summary>
    public static int PayloadLength(ReadOnlySpan<byte> header)
    {
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic)
        {
            return -1;
        }
        var length = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        return length >= PayloadPrefixSize && (length - PayloadPrefixSize) % RowSize == 0 ? length : -1;
    }

    /// <summary>True when the CRC in the header of <paramref name="record"/> matches the length and payload that follow it.</summary>
    public static bool IsIntact(ReadOnlySpan<byte> record) =>
        Crc32.HashToUInt32(record[8..]) == BinaryPrimitives.ReadUInt32LittleEndian(record[4..]);

    public static int TickCount(ReadOnlySpan<byte> payload) => BinaryPrimitives.ReadInt32LittleEndian(payload[16..]);

    /// <summary>Decodes an intact payload into <paramref name="ticks"/> and returns the batch id.</summary>
    public static Guid Read(ReadOnlySpan<byte> payload, Span<Tick> ticks)
    {
        var batchId = new Guid(payload[..16]);
        var rows = payload[PayloadPrefixSize..];
        for (var i = 0; i < ticks.Length; i++)
        {
            ticks[i] = ReadRow(rows.Slice(i * RowSize, RowSize));
        }
        return batchId;
    }

    private static void WriteRow(Span<byte> row, in Tick tick)
    {
        var flags = (byte)((tick.BidPrice.HasValue ? HasBidPrice : 0)
            | (tick.AskPrice.HasValue ? HasAskPrice : 0)
            | (tick.BidQuantity.HasValue ? HasBidQuantity : 0)
            | (tick.AskQuantity.HasValue ? HasAskQuantity : 0)
            | (tick.ExchangeTime.HasValue ? HasExchangeTime : 0));
        BinaryPrimitives.WriteInt32LittleEndian(row, tick.InstrumentId);
        row[4] = flags;
        BinaryPrimitives.WriteInt64LittleEndian(row[5..], tick.ReceivedAt.UtcTicks);
        BinaryPrimitives.WriteInt64LittleEndian(row[13..], tick.ExchangeTime.GetValueOrDefault().UtcTicks);
        BinaryPrimitives.WriteInt64LittleEndian(row[21..], tick.LastQuantity);
        BinaryPrimitives.WriteInt64LittleEndian(row[29..], tick.Volume);
        BinaryPrimitives.WriteInt64LittleEndian(row[37..], tick.OpenInterest);
        BinaryPrimitives.WriteInt64LittleEndian(row[45..], tick.BidQuantity.GetValueOrDefault());
        BinaryPrimitives.WriteInt64LittleEndian(row[53..], tick.AskQuantity.GetValueOrDefault());
        WriteDecimal(row[61..], tick.LastPrice);
        WriteDecimal(row[77..], tick.AveragePrice);
        WriteDecimal(row[93..], tick.BidPrice.GetValueOrDefault());
        WriteDecimal(row[109..], tick.AskPrice.GetValueOrDefault());
    }

    private static Tick ReadRow(ReadOnlySpan<byte> row)
    {
        var flags = row[4];
        return new Tick
        {
            InstrumentId = BinaryPrimitives.ReadInt32LittleEndian(row),
            ReceivedAt = new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(row[5..]), TimeSpan.Zero),
            ExchangeTime = (flags & HasExchangeTime) != 0 ? new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(row[13..]), TimeSpan.Zero) : null,
            LastQuantity = BinaryPrimitives.ReadInt64LittleEndian(row[21..]),
            Volume = BinaryPrimitives.ReadInt64LittleEndian(row[29..]),
            OpenInterest = BinaryPrimitives.ReadInt64LittleEndian(row[37..]),
            BidQuantity = (flags & HasBidQuantity) != 0 ? BinaryPrimitives.ReadInt64LittleEndian(row[45..]) : null,
            AskQuantity = (flags & HasAskQuantity) != 0 ? BinaryPrimitives.ReadInt64LittleEndian(row[53..]) : null,
            LastPrice = ReadDecimal(row[61..]),
            AveragePrice = ReadDecimal(row[77..]),
            BidPrice = (flags & HasBidPrice) != 0 ? ReadDecimal(row[93..]) : null,
            AskPrice = (flags & HasAskPrice) != 0 ? ReadDecimal(row[109..]) : null,
        };
    }

    private static void WriteDecimal(Span<byte> destination, decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        for (var i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(destination[(i * 4)..], bits[i]);
        }
    }

    private static decimal ReadDecimal(ReadOnlySpan<byte> source)
    {
        Span<int> bits = stackalloc int[4];
        for (var i = 0; i < 4; i++)
        {
            bits[i] = BinaryPrimitives.ReadInt32LittleEndian(source[(i * 4)..]);
        }
        return new decimal(bits);
    }
}
