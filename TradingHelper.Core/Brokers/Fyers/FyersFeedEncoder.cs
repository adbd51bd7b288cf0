using System.Buffers.Binary;
using System.Text;

namespace TradingHelper.Core.Brokers.Fyers;

/// <summary>Builds the frames the Fyers data socket sends (control responses and type-6 data frames), for the simulator and tests.</summary>
/// <remarks>The mirror of <see cref="FyersFeedDecoder"/>: same envelope and record layouts, big-endian throughout.</remarks>
public static class FyersFeedEncoder
{
    /// <summary>Bytes of an authentication response: status field and a 4-byte ack count.</summary>
    public const int AuthenticationResponseLength = 15;

    /// <summary>Bytes of a subscribe, unsubscribe, mode, pause or resume response: a status field only.</summary>
    public const int ResponseLength = 8;

    /// <summary>Writes the authentication response: "K" or "N", then the ack count (the spec's §7.2 vectors).</summary>
    public static int WriteAuthenticationResponse(Span<byte> destination, bool accepted, int ackInterval)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ackInterval);
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, AuthenticationResponseLength, nameof(destination));
        BinaryPrimitives.WriteUInt16BigEndian(destination, AuthenticationResponseLength - 2);
        destination[2] = (byte)FyersMessageType.Authentication;
        destination[3] = 2;
        WriteStatus(destination[4..], accepted);
        destination[8] = 2;
        BinaryPrimitives.WriteUInt16BigEndian(destination[9..], 4);
        BinaryPrimitives.WriteInt32BigEndian(destination[11..], ackInterval);
        return AuthenticationResponseLength;
    }

    /// <summary>Writes a one-field response of this type: "K" accepted, "N" refused.</summary>
    public static int WriteResponse(Span<byte> destination, FyersMessageType type, bool accepted)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, ResponseLength, nameof(destination));
        BinaryPrimitives.WriteUInt16BigEndian(destination, ResponseLength - 2);
        destination[2] = (byte)type;
        destination[3] = 1;
        WriteStatus(destination[4..], accepted);
        return ResponseLength;
    }

    /// <summary>Bytes a snapshot record takes with these strings and this many values.</summary>
    public static int SnapshotLengthOf(string topic, int valueCount, string exchange, string exchangeToken, string tradingSymbol) =>
        3 + 1 + topic.Length + 1 + (valueCount * sizeof(int)) + 2 + 2 + 1 + 3 + exchange.Length + exchangeToken.Length + tradingSymbol.Length;

    /// <summary>Bytes an update record takes with this many values.</summary>
    public static int UpdateLengthOf(int valueCount) => FyersFeedDecoder.UpdateHeaderLength + (valueCount * sizeof(int));

    private static void WriteStatus(Span<byte> field, bool accepted)
    {
        field[0] = 1;
        BinaryPrimitives.WriteUInt16BigEndian(field[1..], 1);
        field[3] = accepted ? (byte)'K' : (byte)'N';
    }
}

/// <summary>Appends records to one type-6 data frame in a caller-owned buffer; the header is kept valid after every append.</summary>
public ref struct FyersDataFrameWriter
{
    /// <summary>The "no value / unchanged" sentinel of update records.</summary>
    public const int NoValue = FyersFeedDecoder.NoValue;

    private const int HeaderLength = 9;
    private readonly Span<byte> _buffer;
    private int _position;

    /// <summary>Starts a data frame carrying message number <paramref name="messageNumber"/>.</summary>
    public FyersDataFrameWriter(Span<byte> buffer, uint messageNumber)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buffer.Length, HeaderLength, nameof(buffer));
        // The u16 length field caps a frame at 65 537 bytes whatever the buffer.
        _buffer = buffer[..Math.Min(buffer.Length, ushort.MaxValue + 2)];
        _buffer[2] = (byte)FyersMessageType.DataFeed;
        BinaryPrimitives.WriteUInt32BigEndian(_buffer[3..], messageNumber);
        _position = HeaderLength;
        RecordCount = 0;
        Finish();
    }

    public int RecordCount { get; private set; }

    /// <summary>Bytes of the frame so far: send <c>buffer[..Length]</c>.</summary>
    public readonly int Length => _position;

    /// <summary>Appends a snapshot ('S'): binds the topic id to its name and sets every value; false when the buffer is full.</summary>
    public bool TryAppendSnapshot(ushort topicId, string topic, ReadOnlySpan<int> values, ushort multiplier, byte precision,
        string exchange, string exchangeToken, string tradingSymbol)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(values.Length, byte.MaxValue, nameof(values));
        var length = FyersFeedEncoder.SnapshotLengthOf(topic, values.Length, exchange, exchangeToken, tradingSymbol);
        if (!HasRoom(length))
        {
            return false;
        }
        var record = _buffer.Slice(_position, length);
        record[0] = (byte)FyersRecordKind.Snapshot;
        BinaryPrimitives.WriteUInt16BigEndian(record[1..], topicId);
        var at = WriteString(record, 3, topic);
        record[at++] = (byte)values.Length;
        at = WriteValues(record, at, values);
        // The two bytes no implementation interprets.
        record[at++] = 0;
        record[at++] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(record[at..], multiplier);
        record[at + 2] = precision;
        at += 3;
        at = WriteString(record, at, exchange);
        at = WriteString(record, at, exchangeToken);
        WriteString(record, at, tradingSymbol);
        return Appended(length);
    }

    /// <summary>Appends an update ('U') patching positions 0 … values.Length − 1; <see cref="NoValue"/> leaves a position as it was.</summary>
    public bool TryAppendUpdate(ushort topicId, ReadOnlySpan<int> values)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(values.Length, byte.MaxValue, nameof(values));
        var length = FyersFeedEncoder.UpdateLengthOf(values.Length);
        if (!HasRoom(length))
        {
            return false;
        }
        var record = _buffer.Slice(_position, length);
        record[0] = (byte)FyersRecordKind.Update;
        BinaryPrimitives.WriteUInt16BigEndian(record[1..], topicId);
        record[3] = (byte)values.Length;
        WriteValues(record, FyersFeedDecoder.UpdateHeaderLength, values);
        return Appended(length);
    }

    /// <summary>Appends a lite tick ('L'): the last price only.</summary>
    public bool TryAppendLite(ushort topicId, int lastPrice)
    {
        if (!HasRoom(FyersFeedDecoder.LiteLength))
        {
            return false;
        }
        var record = _buffer.Slice(_position, FyersFeedDecoder.LiteLength);
        record[0] = (byte)FyersRecordKind.Lite;
        BinaryPrimitives.WriteUInt16BigEndian(record[1..], topicId);
        BinaryPrimitives.WriteInt32BigEndian(record[3..], lastPrice);
        return Appended(FyersFeedDecoder.LiteLength);
    }

    private readonly bool HasRoom(int length) => RecordCount < ushort.MaxValue && _buffer.Length - _position >= length;

    private bool Appended(int length)
    {
        _position += length;
        RecordCount++;
        Finish();
        return true;
    }

    private readonly void Finish()
    {
        BinaryPrimitives.WriteUInt16BigEndian(_buffer, (ushort)(_position - 2));
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[7..], (ushort)RecordCount);
    }

    private static int WriteString(Span<byte> record, int at, string value)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value.Length, byte.MaxValue, nameof(value));
        record[at] = (byte)value.Length;
        if (Ascii.FromUtf16(value, record.Slice(at + 1, value.Length), out _) != System.Buffers.OperationStatus.Done)
        {
            throw new ArgumentException($"'{value}' is not ASCII; the data socket carries ASCII only.", nameof(value));
        }
        return at + 1 + value.Length;
    }

    private static int WriteValues(Span<byte> record, int at, ReadOnlySpan<int> values)
    {
        foreach (var value in values)
        {
            BinaryPrimitives.WriteInt32BigEndian(record[at..], value);
            at += sizeof(int);
        }
        return at;
    }
}
