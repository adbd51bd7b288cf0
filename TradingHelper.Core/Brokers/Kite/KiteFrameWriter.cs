using System.Buffers.Binary;

namespace TradingHelper.Core.Brokers.Kite;

/// <summary>Builds one binary ticker message (count, then length-prefixed packets) in a caller-owned buffer.</summary>
public ref struct KiteFrameWriter
{
    /// <summary>Kite's frame count is a uint16.</summary>
    public const int MaxPackets = ushort.MaxValue;

    private readonly Span<byte> _buffer;

    public KiteFrameWriter(Span<byte> buffer)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buffer.Length, KiteWireLayout.CountLength, nameof(buffer));
        _buffer = buffer;
        Length = KiteWireLayout.CountLength;
        BinaryPrimitives.WriteUInt16BigEndian(_buffer, 0);
    }

    /// <summary>Packets appended so far.</summary>
    public int PacketCount { get; private set; }

    /// <summary>Bytes of the message written so far; the header is kept current after every append.</summary>
    public int Length { get; private set; }

    /// <summary>The finished message so far.</summary>
    public readonly ReadOnlySpan<byte> Written => _buffer[..Length];

    /// <summary>Bytes a message of packets of these kinds needs.</summary>
    public static int SizeOf(KitePacketKind kind, int packets) =>
        KiteWireLayout.CountLength + (packets * (KiteWireLayout.PacketLengthLength + KitePacketLength.Of(kind)));

    /// <summary>Appends a tick as a packet of its kind; false when the buffer or the count is full.</summary>
    public bool TryAppend(in KiteTick tick)
    {
        var length = KitePacketLength.Of(tick.Kind);
        if (!HasRoomFor(length))
        {
            return false;
        }
        KiteTickEncoder.Write(tick, _buffer[(Length + KiteWireLayout.PacketLengthLength)..]);
        Commit(length);
        return true;
    }

    /// <summary>Appends raw bytes as one packet, whatever their length: how a simulator sends packets Kite never would.</summary>
    public bool TryAppendRaw(ReadOnlySpan<byte> packet)
    {
        if (packet.Length > ushort.MaxValue || !HasRoomFor(packet.Length))
        {
            return false;
        }
        packet.CopyTo(_buffer[(Length + KiteWireLayout.PacketLengthLength)..]);
        Commit(packet.Length);
        return true;
    }

    private readonly bool HasRoomFor(int packetLength) =>
        PacketCount < MaxPackets && _buffer.Length - Length >= KiteWireLayout.PacketLengthLength + packetLength;

    private void Commit(int packetLength)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[Length..], (ushort)packetLength);
        Length += KiteWireLayout.PacketLengthLength + packetLength;
        PacketCount++;
        BinaryPrimitives.WriteUInt16BigEndian(_buffer, (ushort)PacketCount);
    }
}
