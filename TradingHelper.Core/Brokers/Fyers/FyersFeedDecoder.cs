using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace TradingHelper.Core.Brokers.Fyers;

/// <summary>Decodes the frames the Fyers data socket sends, keeping the per-connection topic table that turns records into quotes.</summary>
/// <remarks>
/// Verified by three official SDKs (and one captured live frame): the envelope, the data-frame header with a u32 message
/// number, the record layouts 'S'/'U'/'L', big-endian signed values with INT32_MIN meaning "no value", the snapshot trailer
/// (2 bytes, multiplier, precision, three strings) on every topic kind, the scrip and depth field orders, price =
/// raw / (10^precision × multiplier), and acks every A-th data frame.
/// Inferred, and what this decoder does about it:
/// <list type="bullet">
/// <item>Updates may be sentinel-padded or truncated prefixes: both patch by position and leave the rest.</item>
/// <item>Whether the message number is absent when the ack count is 0 is unknown: with acks on it is always read; with
/// acks off the numbered layout is tried first and the Node SDK's unnumbered one second.</item>
/// <item>Index values 6 and 7 (52-week high/low) rest on one captured schema.</item>
/// <item>The field order is hard-coded as the Python and Go SDKs do; the JSON schema of the auth response is exposed, not applied.</item>
/// <item>A lite record carries exactly one value (the schema's <c>hfid</c> is 1 everywhere seen).</item>
/// <item>Volume, quantities and OI are read unsigned, so a day's volume past 2^31 still decodes.</item>
/// </list>
/// A frame whose records do not walk to exactly its end is counted in <see cref="MalformedFrames"/> and skipped whole,
/// so a mis-read length never leaks garbage into the topic table. Unknown message types are counted and ignored.
/// Not thread-safe: one decoder per connection, called from its receive loop.
/// </remarks>
public sealed class FyersFeedDecoder
{
    internal const int NoValue = int.MinValue;
    internal const int UpdateHeaderLength = 4;
    internal const int LiteHeaderLength = 3;
    internal const int LiteLength = LiteHeaderLength + sizeof(int);

    private const int EnvelopeLength = 3;
    private const int NumberedHeaderLength = 9;
    private const int UnnumberedHeaderLength = 5;
    private const int SnapshotUnknownLength = 2;
    private const int MaxPrecision = 28;

    private FyersTopicSlot?[] _slots = new FyersTopicSlot?[64];
    private int _framesSinceAck;

    /// <summary>Ack every this many data frames, from the last accepted authentication; 0 means never.</summary>
    public int AckInterval { get; private set; }

    /// <summary>Topic ids bound by a snapshot on this connection.</summary>
    public int TopicCount { get; private set; }

    /// <summary>Data frames seen, well-formed or not.</summary>
    public long DataFrames { get; private set; }

    /// <summary>Frames cut short or inconsistent, skipped whole.</summary>
    public long MalformedFrames { get; private set; }

    /// <summary>Updates and lite ticks for a topic id no snapshot has bound; passed over.</summary>
    public long UnknownTopicRecords { get; private set; }

    /// <summary>Frames of a type this decoder does not act on (e.g. type 13), ignored.</summary>
    public long IgnoredFrames { get; private set; }

    /// <summary>Reads one WebSocket message. Never throws on bad input: it is counted and reported as malformed.</summary>
    public FyersFrameReader Read(ReadOnlySpan<byte> message)
    {
        if (message.Length < EnvelopeLength)
        {
            MalformedFrames++;
            return new FyersFrameReader(default, isMalformed: true);
        }
        var type = (FyersMessageType)message[2];
        switch (type)
        {
            case FyersMessageType.DataFeed:
                return ReadData(message);
            case FyersMessageType.Authentication:
            case FyersMessageType.Subscribe:
            case FyersMessageType.Unsubscribe:
            case FyersMessageType.Pause:
            case FyersMessageType.Resume:
            case FyersMessageType.Mode:
                return ReadControl(type, message);
            default:
                IgnoredFrames++;
                return new FyersFrameReader(type, isMalformed: false);
        }
    }

    /// <summary>The topic the server bound to an id on this connection.</summary>
    public bool TryGetTopic(ushort topicId, [NotNullWhen(true)] out FyersTopic? topic)
    {
        topic = topicId < _slots.Length ? _slots[topicId]?.Topic : null;
        return topic is not null;
    }

    /// <summary>Forgets every topic and the ack interval: call on reconnect, where the server reassigns ids. An accepted authentication does the same.</summary>
    public void Reset()
    {
        Array.Clear(_slots);
        TopicCount = 0;
        AckInterval = 0;
        _framesSinceAck = 0;
    }

    internal int ApplySnapshot(ReadOnlySpan<byte> record, out FyersTopicSlot slot, out uint carried)
    {
        var topicId = BinaryPrimitives.ReadUInt16BigEndian(record[1..]);
        var position = 3;
        var name = ReadString(record, ref position);
        int count = record[position++];
        var values = record.Slice(position, count * sizeof(int));
        position += values.Length + SnapshotUnknownLength;
        int multiplier = BinaryPrimitives.ReadUInt16BigEndian(record[position..]);
        var precision = record[position + 2];
        position += 3;
        var exchange = ReadString(record, ref position);
        var exchangeToken = ReadString(record, ref position);
        var tradingSymbol = ReadString(record, ref position);

        // Multiplier 0 would divide by zero; every SDK but Go's defaults to 1.
        if (multiplier == 0)
        {
            multiplier = 1;
        }
        slot = SlotFor(topicId, name, multiplier, precision, exchange, exchangeToken, tradingSymbol);
        ((Span<int>)slot.Values).Fill(NoValue);
        carried = Store(ref slot.Values, values);
        return position;
    }

    internal FyersTopicSlot? Patch(ushort topicId, ReadOnlySpan<byte> values, out uint carried)
    {
        var slot = topicId < _slots.Length ? _slots[topicId] : null;
        if (slot is null)
        {
            UnknownTopicRecords++;
            carried = 0;
            return null;
        }
        carried = Store(ref slot.Values, values);
        return slot;
    }

    private static uint Store(ref FyersFieldValues target, ReadOnlySpan<byte> values)
    {
        var count = Math.Min(values.Length / sizeof(int), FyersFieldValues.Capacity);
        uint carried = 0;
        for (var i = 0; i < count; i++)
        {
            var value = BinaryPrimitives.ReadInt32BigEndian(values[(i * sizeof(int))..]);
            if (value != NoValue)
            {
                target[i] = value;
                carried |= 1u << i;
            }
        }
        return carried;
    }

    private FyersTopicSlot SlotFor(ushort topicId, ReadOnlySpan<byte> name, int multiplier, byte precision, ReadOnlySpan<byte> exchange, ReadOnlySpan<byte> exchangeToken, ReadOnlySpan<byte> tradingSymbol)
    {
        if (topicId >= _slots.Length)
        {
            Array.Resize(ref _slots, Math.Max(topicId + 1, _slots.Length * 2));
        }
        var slot = _slots[topicId];
        // A re-snapshot of the same topic keeps its strings, so resubscribing allocates nothing.
        if (slot is not null && slot.Topic.Matches(name, multiplier, precision, exchange, exchangeToken, tradingSymbol))
        {
            return slot;
        }
        var topic = new FyersTopic(topicId, Encoding.ASCII.GetString(name), multiplier, precision,
            Encoding.ASCII.GetString(exchange), Encoding.ASCII.GetString(exchangeToken), Encoding.ASCII.GetString(tradingSymbol));
        if (slot is null)
        {
            slot = new FyersTopicSlot(topic);
            _slots[topicId] = slot;
            TopicCount++;
        }
        else
        {
            slot.Topic = topic;
        }
        return slot;
    }

    private static ReadOnlySpan<byte> ReadString(ReadOnlySpan<byte> record, ref int position)
    {
        int length = record[position];
        var value = record.Slice(position + 1, length);
        position += 1 + length;
        return value;
    }

    private FyersFrameReader ReadData(ReadOnlySpan<byte> message)
    {
        DataFrames++;
        // The u16 length is not trusted: the server is lax about it inbound, and the record walk checks more.
        var headerLength = NumberedHeaderLength;
        if (!TryWalk(message, NumberedHeaderLength, out var records))
        {
            // Only the Node SDK omits the number, and only while acks are off.
            if (AckInterval > 0 || !TryWalk(message, UnnumberedHeaderLength, out records))
            {
                return Malformed(message);
            }
            headerLength = UnnumberedHeaderLength;
        }
        var messageNumber = headerLength == NumberedHeaderLength ? BinaryPrimitives.ReadUInt32BigEndian(message[3..]) : 0;
        return new FyersFrameReader(this, message, messageNumber, CountForAck(headerLength == NumberedHeaderLength), headerLength, records, isMalformed: false);
    }

    // The server numbered the frame even if it reached us damaged, so it still counts towards the next ack.
    private FyersFrameReader Malformed(ReadOnlySpan<byte> message)
    {
        MalformedFrames++;
        var numbered = message.Length >= 7;
        var messageNumber = numbered ? BinaryPrimitives.ReadUInt32BigEndian(message[3..]) : 0;
        return new FyersFrameReader(this, message, messageNumber, CountForAck(numbered), NumberedHeaderLength, 0, isMalformed: true);
    }

    private bool CountForAck(bool numbered)
    {
        if (!numbered || AckInterval <= 0 || ++_framesSinceAck < AckInterval)
        {
            return false;
        }
        _framesSinceAck = 0;
        return true;
    }

    // Walks record lengths without touching state, so a bad frame is rejected before any of it is applied.
    private static bool TryWalk(ReadOnlySpan<byte> message, int headerLength, out int records)
    {
        records = 0;
        if (message.Length < headerLength)
        {
            return false;
        }
        records = BinaryPrimitives.ReadUInt16BigEndian(message[(headerLength - 2)..]);
        var position = headerLength;
        for (var i = 0; i < records; i++)
        {
            if (position >= message.Length)
            {
                return false;
            }
            var record = message[position..];
            var length = (FyersRecordKind)record[0] switch
            {
                FyersRecordKind.Snapshot => SnapshotLength(record),
                FyersRecordKind.Update => record.Length < UpdateHeaderLength ? -1 : UpdateHeaderLength + (record[UpdateHeaderLength - 1] * sizeof(int)),
                FyersRecordKind.Lite => LiteLength,
                _ => -1,
            };
            if (length < 0 || length > record.Length)
            {
                return false;
            }
            position += length;
        }
        return position == message.Length;
    }

    private static int SnapshotLength(ReadOnlySpan<byte> record)
    {
        var position = 3;
        if (!SkipString(record, ref position))
        {
            return -1;
        }
        if (position >= record.Length)
        {
            return -1;
        }
        int count = record[position++];
        position += (count * sizeof(int)) + SnapshotUnknownLength + 2;
        if (position >= record.Length || record[position] > MaxPrecision)
        {
            return -1;
        }
        position++;
        for (var i = 0; i < 3; i++)
        {
            if (!SkipString(record, ref position))
            {
                return -1;
            }
        }
        return position;
    }

    private static bool SkipString(ReadOnlySpan<byte> record, ref int position)
    {
        if (position >= record.Length)
        {
            return false;
        }
        position += 1 + record[position];
        return position <= record.Length;
    }

    private FyersFrameReader ReadControl(FyersMessageType type, ReadOnlySpan<byte> message)
    {
        if (message.Length < EnvelopeLength + 1)
        {
            MalformedFrames++;
            return new FyersFrameReader(type, FyersResponseStatus.Unknown, 0, default);
        }
        int fieldCount = message[3];
        var position = 4;
        var status = FyersResponseStatus.Unknown;
        var ackInterval = 0;
        ReadOnlySpan<byte> schema = default;
        for (var i = 0; i < fieldCount; i++)
        {
            if (message.Length - position < 3)
            {
                MalformedFrames++;
                return new FyersFrameReader(type, FyersResponseStatus.Unknown, 0, default);
            }
            int length = BinaryPrimitives.ReadUInt16BigEndian(message[(position + 1)..]);
            if (message.Length - position - 3 < length)
            {
                MalformedFrames++;
                return new FyersFrameReader(type, FyersResponseStatus.Unknown, 0, default);
            }
            var value = message.Slice(position + 3, length);
            position += 3 + length;
            // Field ids are not checked by any SDK; fields are positional.
            switch (i)
            {
                case 0:
                    status = value switch
                    {
                        [(byte)'K'] => FyersResponseStatus.Accepted,
                        [(byte)'N'] => FyersResponseStatus.Rejected,
                        _ => FyersResponseStatus.Unknown,
                    };
                    break;
                case 1 when type == FyersMessageType.Authentication:
                    ackInterval = ReadAckCount(value);
                    break;
                case 2 when type == FyersMessageType.Authentication:
                    schema = value;
                    break;
            }
        }
        if (status == FyersResponseStatus.Unknown)
        {
            MalformedFrames++;
        }
        if (type == FyersMessageType.Authentication && status == FyersResponseStatus.Accepted)
        {
            Reset();
            AckInterval = ackInterval;
        }
        return new FyersFrameReader(type, status, ackInterval, schema);
    }

    // The Node SDK reads the count as a big-endian integer of the field's length; the Python SDK assumes 4 bytes.
    private static int ReadAckCount(ReadOnlySpan<byte> value)
    {
        uint count = 0;
        foreach (var b in value)
        {
            count = (count << 8) | b;
        }
        return (int)Math.Min(count, int.MaxValue);
    }
}
