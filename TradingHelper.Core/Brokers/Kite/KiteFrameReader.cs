using System.Buffers.Binary;

namespace TradingHelper.Core.Brokers.Kite;

/// <summary>Walks the packets of one binary ticker message without allocating; bad packets are counted and skipped, never thrown.</summary>
/// <remarks>Layout: uint16 packet count, then per packet a uint16 length and the packet. A message shorter than two bytes is a heartbeat.</remarks>
public ref struct KiteFrameReader
{
    private readonly ReadOnlySpan<byte> _frame;
    private int _packetsLeft;

    public KiteFrameReader(ReadOnlySpan<byte> frame)
    {
        _frame = frame;
        if (frame.Length < KiteWireLayout.CountLength)
        {
            IsHeartbeat = true;
            Position = frame.Length;
            return;
        }
        DeclaredPacketCount = BinaryPrimitives.ReadUInt16BigEndian(frame);
        _packetsLeft = DeclaredPacketCount;
        Position = KiteWireLayout.CountLength;
    }

    /// <summary>A one-byte message the server sends to show the socket is alive while it has no data.</summary>
    public bool IsHeartbeat { get; }

    /// <summary>The packet count the message header announces.</summary>
    public int DeclaredPacketCount { get; }

    /// <summary>Bytes of the message consumed so far.</summary>
    public int Position { get; private set; }

    /// <summary>Packets of a length Kite never sends, skipped.</summary>
    public int UnknownPackets { get; private set; }

    /// <summary>Packets announced but cut off by the end of the message.</summary>
    public int TruncatedPackets { get; private set; }

    /// <summary>Every packet not turned into a tick.</summary>
    public readonly int SkippedPackets => UnknownPackets + TruncatedPackets;

    /// <summary>Moves to the next decodable packet; false when the message holds no more.</summary>
    public bool TryReadNext(out KiteTick tick)
    {
        while (_packetsLeft > 0)
        {
            _packetsLeft--;
            var remaining = _frame[Position..];
            if (remaining.Length < KiteWireLayout.PacketLengthLength)
            {
                return Truncate(out tick);
            }
            int length = BinaryPrimitives.ReadUInt16BigEndian(remaining);
            if (remaining.Length - KiteWireLayout.PacketLengthLength < length)
            {
                return Truncate(out tick);
            }

            Position += KiteWireLayout.PacketLengthLength + length;
            if (KiteTickDecoder.TryDecode(remaining.Slice(KiteWireLayout.PacketLengthLength, length), out tick))
            {
                return true;
            }
            UnknownPackets++;
        }
        tick = default;
        return false;
    }

    // Nothing after a cut-off packet can be framed, so every packet still announced is lost with it.
    private bool Truncate(out KiteTick tick)
    {
        TruncatedPackets += _packetsLeft + 1;
        _packetsLeft = 0;
        Position = _frame.Length;
        tick = default;
        return false;
    }
}
