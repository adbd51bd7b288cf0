using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace TradingHelper.Core.Brokers.Fyers;

/// <summary>Builds the binary frames a client sends the data socket, byte-exact, into caller-owned buffers.</summary>
/// <remarks>
/// Envelope: u16 length of what follows, u8 type, u8 field count, then fields of u8 id, u16 length, value.
/// Every method returns the bytes written and throws when the buffer is too small.
/// </remarks>
public static class FyersFrameWriter
{
    /// <summary>The channel every SDK uses by default.</summary>
    public const int DefaultChannel = 11;

    /// <summary>Topics one subscribe or unsubscribe frame may carry (NODE-HSM <c>MAX_SCRIPS</c>).</summary>
    public const int MaxTopicsPerFrame = 1500;

    public const int HeartbeatLength = 3;
    public const int AcknowledgementLength = 11;
    public const int ModeLength = 19;
    public const int ChannelLength = 15;

    private const int HeaderLength = 4;
    private const int FieldHeaderLength = 3;
    private const byte AuthenticationModeP = (byte)'P';
    private const byte StreamDataEnabled = 1;

    /// <summary>Bytes of the authentication frame for a key and source of these lengths (ASCII).</summary>
    public static int AuthenticationLengthOf(int hsmKeyLength, int sourceLength) =>
        HeaderLength + (4 * FieldHeaderLength) + hsmKeyLength + 1 + 1 + sourceLength;

    /// <summary>Writes the authentication frame: hsm_key, mode 'P', stream-data flag 1, source string.</summary>
    public static int WriteAuthentication(Span<byte> destination, ReadOnlySpan<char> hsmKey, ReadOnlySpan<char> source)
    {
        ArgumentOutOfRangeException.ThrowIfZero(hsmKey.Length, nameof(hsmKey));
        var frame = new Frame(destination, AuthenticationLengthOf(hsmKey.Length, source.Length), FyersMessageType.Authentication, 4);
        frame.AsciiField(1, hsmKey);
        frame.ByteField(2, AuthenticationModeP);
        frame.ByteField(3, StreamDataEnabled);
        frame.AsciiField(4, source);
        return frame.Length;
    }

    /// <inheritdoc cref="WriteAuthentication(Span{byte}, ReadOnlySpan{char}, ReadOnlySpan{char})"/>
    public static int WriteAuthentication(IBufferWriter<byte> destination, ReadOnlySpan<char> hsmKey, ReadOnlySpan<char> source)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return Advance(destination, WriteAuthentication(destination.GetSpan(AuthenticationLengthOf(hsmKey.Length, source.Length)), hsmKey, source));
    }

    /// <summary>Writes the mode frame: the channel as a u64 bitmap, then 'F' or 'L'.</summary>
    public static int WriteMode(Span<byte> destination, FyersMode mode, int channel = DefaultChannel)
    {
        if (mode is not (FyersMode.Full or FyersMode.Lite))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Not a Fyers channel mode.");
        }
        var frame = new Frame(destination, ModeLength, FyersMessageType.Mode, 2);
        frame.UInt64Field(1, ChannelBitmap(channel));
        frame.ByteField(2, (byte)mode);
        return frame.Length;
    }

    /// <inheritdoc cref="WriteMode(Span{byte}, FyersMode, int)"/>
    public static int WriteMode(IBufferWriter<byte> destination, FyersMode mode, int channel = DefaultChannel)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return Advance(destination, WriteMode(destination.GetSpan(ModeLength), mode, channel));
    }

    /// <summary>Bytes of a subscribe or unsubscribe frame carrying these topics.</summary>
    public static int SubscriptionLengthOf(ReadOnlySpan<string> topics)
    {
        var length = HeaderLength + FieldHeaderLength + 2 + FieldHeaderLength + 1;
        foreach (var topic in topics)
        {
            length += 1 + topic.Length;
        }
        return length;
    }

    /// <summary>Writes a subscribe frame for at most <see cref="MaxTopicsPerFrame"/> topics such as <c>sf|nse_cm|3045</c>.</summary>
    public static int WriteSubscribe(Span<byte> destination, ReadOnlySpan<string> topics, int channel = DefaultChannel) =>
        WriteSubscription(destination, FyersMessageType.Subscribe, topics, channel);

    /// <inheritdoc cref="WriteSubscribe(Span{byte}, ReadOnlySpan{string}, int)"/>
    public static int WriteSubscribe(IBufferWriter<byte> destination, ReadOnlySpan<string> topics, int channel = DefaultChannel)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return Advance(destination, WriteSubscribe(destination.GetSpan(SubscriptionLengthOf(topics)), topics, channel));
    }

    /// <summary>Writes an unsubscribe frame; same layout as subscribe.</summary>
    public static int WriteUnsubscribe(Span<byte> destination, ReadOnlySpan<string> topics, int channel = DefaultChannel) =>
        WriteSubscription(destination, FyersMessageType.Unsubscribe, topics, channel);

    /// <inheritdoc cref="WriteUnsubscribe(Span{byte}, ReadOnlySpan{string}, int)"/>
    public static int WriteUnsubscribe(IBufferWriter<byte> destination, ReadOnlySpan<string> topics, int channel = DefaultChannel)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return Advance(destination, WriteUnsubscribe(destination.GetSpan(SubscriptionLengthOf(topics)), topics, channel));
    }

    /// <summary>Writes the heartbeat <c>00 01 0b</c>: length 1, type 11, no field count.</summary>
    public static int WriteHeartbeat(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, HeartbeatLength, nameof(destination));
        BinaryPrimitives.WriteUInt16BigEndian(destination, 1);
        destination[2] = (byte)FyersMessageType.Heartbeat;
        return HeartbeatLength;
    }

    /// <inheritdoc cref="WriteHeartbeat(Span{byte})"/>
    public static int WriteHeartbeat(IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return Advance(destination, WriteHeartbeat(destination.GetSpan(HeartbeatLength)));
    }

    /// <summary>Writes the acknowledgement of the data frame with this message number (the Python and Node layout).</summary>
    public static int WriteAcknowledgement(Span<byte> destination, uint messageNumber)
    {
        var frame = new Frame(destination, AcknowledgementLength, FyersMessageType.Acknowledgement, 1);
        frame.UInt32Field(1, messageNumber);
        return frame.Length;
    }

    /// <inheritdoc cref="WriteAcknowledgement(Span{byte}, uint)"/>
    public static int WriteAcknowledgement(IBufferWriter<byte> destination, uint messageNumber)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return Advance(destination, WriteAcknowledgement(destination.GetSpan(AcknowledgementLength), messageNumber));
    }

    /// <summary>Writes a pause of one channel; ingestion never needs it, the SDKs use it when switching channels.</summary>
    public static int WritePause(Span<byte> destination, int channel = DefaultChannel) =>
        WriteChannel(destination, FyersMessageType.Pause, channel);

    /// <inheritdoc cref="WritePause(Span{byte}, int)"/>
    public static int WritePause(IBufferWriter<byte> destination, int channel = DefaultChannel)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return Advance(destination, WritePause(destination.GetSpan(ChannelLength), channel));
    }

    /// <summary>Writes a resume of one channel.</summary>
    public static int WriteResume(Span<byte> destination, int channel = DefaultChannel) =>
        WriteChannel(destination, FyersMessageType.Resume, channel);

    /// <inheritdoc cref="WriteResume(Span{byte}, int)"/>
    public static int WriteResume(IBufferWriter<byte> destination, int channel = DefaultChannel)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return Advance(destination, WriteResume(destination.GetSpan(ChannelLength), channel));
    }

    /// <summary>The u64 channel bitmap: bit n for channel n, valid 1 to 63.</summary>
    public static ulong ChannelBitmap(int channel)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channel, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(channel, 63);
        return 1UL << channel;
    }

    private static int WriteSubscription(Span<byte> destination, FyersMessageType type, ReadOnlySpan<string> topics, int channel)
    {
        ArgumentOutOfRangeException.ThrowIfZero(topics.Length, nameof(topics));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(topics.Length, MaxTopicsPerFrame, nameof(topics));
        _ = ChannelBitmap(channel);
        var length = SubscriptionLengthOf(topics);
        var frame = new Frame(destination, length, type, 2);
        frame.Topics(1, topics, length - HeaderLength - FieldHeaderLength - (FieldHeaderLength + 1));
        frame.ByteField(2, (byte)channel);
        return frame.Length;
    }

    private static int WriteChannel(Span<byte> destination, FyersMessageType type, int channel)
    {
        var frame = new Frame(destination, ChannelLength, type, 1);
        frame.UInt64Field(1, ChannelBitmap(channel));
        return frame.Length;
    }

    private static int Advance(IBufferWriter<byte> destination, int written)
    {
        destination.Advance(written);
        return written;
    }

    private ref struct Frame
    {
        private readonly Span<byte> _buffer;
        private int _position;

        public Frame(Span<byte> destination, int length, FyersMessageType type, byte fieldCount)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, length, nameof(destination));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(length - 2, ushort.MaxValue, nameof(destination));
            _buffer = destination[..length];
            BinaryPrimitives.WriteUInt16BigEndian(_buffer, (ushort)(length - 2));
            _buffer[2] = (byte)type;
            _buffer[3] = fieldCount;
            _position = HeaderLength;
        }

        public readonly int Length => _buffer.Length;

        public void ByteField(byte id, byte value) => FieldHeader(id, 1)[0] = value;

        public void UInt32Field(byte id, uint value) => BinaryPrimitives.WriteUInt32BigEndian(FieldHeader(id, 4), value);

        public void UInt64Field(byte id, ulong value) => BinaryPrimitives.WriteUInt64BigEndian(FieldHeader(id, 8), value);

        public void AsciiField(byte id, ReadOnlySpan<char> value) => WriteAscii(value, FieldHeader(id, value.Length));

        public void Topics(byte id, ReadOnlySpan<string> topics, int fieldLength)
        {
            var field = FieldHeader(id, fieldLength);
            BinaryPrimitives.WriteUInt16BigEndian(field, (ushort)topics.Length);
            var at = 2;
            foreach (var topic in topics)
            {
                ArgumentOutOfRangeException.ThrowIfGreaterThan(topic.Length, byte.MaxValue, nameof(topics));
                field[at] = (byte)topic.Length;
                WriteAscii(topic, field.Slice(at + 1, topic.Length));
                at += 1 + topic.Length;
            }
        }

        private Span<byte> FieldHeader(byte id, int length)
        {
            _buffer[_position] = id;
            BinaryPrimitives.WriteUInt16BigEndian(_buffer[(_position + 1)..], (ushort)length);
            var value = _buffer.Slice(_position + FieldHeaderLength, length);
            _position += FieldHeaderLength + length;
            return value;
        }

        private static void WriteAscii(ReadOnlySpan<char> value, Span<byte> destination)
        {
            if (Ascii.FromUtf16(value, destination, out _) != OperationStatus.Done)
            {
                throw new ArgumentException($"'{value}' is not ASCII; the data socket carries ASCII only.", nameof(value));
            }
        }
    }
}
