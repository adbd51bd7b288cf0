using System.Buffers.Binary;
using System.Text;

namespace TradingHelper.Tests.Brokers.Fyers;

/// <summary>Builds server data frames for cases the spec's vectors do not cover.</summary>
internal static class FyersFeedFrames
{
    public static byte[] Frame(uint messageNumber, params byte[][] records)
    {
        var body = records.SelectMany(r => r).ToArray();
        var frame = new byte[9 + body.Length];
        BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)(frame.Length - 2));
        frame[2] = 6;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(3), messageNumber);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(7), (ushort)records.Length);
        body.CopyTo(frame, 9);
        return frame;
    }

    public static byte[] Snapshot(ushort topicId, string name, int[] values, ushort multiplier = 1, byte precision = 2, string exchange = "NSE", string token = "1", string symbol = "X")
    {
        var bytes = new List<byte> { 0x53, (byte)(topicId >> 8), (byte)topicId };
        AddString(bytes, name);
        bytes.Add((byte)values.Length);
        AddValues(bytes, values);
        bytes.AddRange([0, 0, (byte)(multiplier >> 8), (byte)multiplier, precision]);
        AddString(bytes, exchange);
        AddString(bytes, token);
        AddString(bytes, symbol);
        return [.. bytes];
    }

    public static byte[] Update(ushort topicId, params int[] values)
    {
        var bytes = new List<byte> { 0x55, (byte)(topicId >> 8), (byte)topicId, (byte)values.Length };
        AddValues(bytes, values);
        return [.. bytes];
    }

    public static byte[] Lite(ushort topicId, int lastPrice)
    {
        var bytes = new List<byte> { 0x4C, (byte)(topicId >> 8), (byte)topicId };
        AddValues(bytes, [lastPrice]);
        return [.. bytes];
    }

    private static void AddString(List<byte> bytes, string value)
    {
        bytes.Add((byte)value.Length);
        bytes.AddRange(Encoding.ASCII.GetBytes(value));
    }

    private static void AddValues(List<byte> bytes, int[] values)
    {
        Span<byte> value = stackalloc byte[4];
        foreach (var v in values)
        {
            BinaryPrimitives.WriteInt32BigEndian(value, v);
            bytes.AddRange(value.ToArray());
        }
    }
}
