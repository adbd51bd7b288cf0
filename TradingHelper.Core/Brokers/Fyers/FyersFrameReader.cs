using System.Buffers.Binary;

namespace TradingHelper.Core.Brokers.Fyers;

/// <summary>One server frame as read by <see cref="FyersFeedDecoder.Read"/>: a control response, or a data frame whose records are walked with <see cref="TryReadNext"/>.</summary>
/// <remarks>Records update the decoder's topic table as they are read, so read every record of a data frame.</remarks>
public ref struct FyersFrameReader
{
    private readonly FyersFeedDecoder? _decoder;
    private readonly ReadOnlySpan<byte> _frame;
    private int _position;
    private int _recordsLeft;

    internal FyersFrameReader(FyersMessageType type, bool isMalformed)
    {
        Type = type;
        IsMalformed = isMalformed;
    }

    internal FyersFrameReader(FyersMessageType type, FyersResponseStatus status, int ackInterval, ReadOnlySpan<byte> schema)
    {
        Type = type;
        Status = status;
        AckInterval = ackInterval;
        Schema = schema;
        IsMalformed = status == FyersResponseStatus.Unknown;
    }

    internal FyersFrameReader(FyersFeedDecoder decoder, ReadOnlySpan<byte> frame, uint messageNumber, bool ackDue, int firstRecord, int recordCount, bool isMalformed)
    {
        _decoder = decoder;
        _frame = frame;
        _position = firstRecord;
        _recordsLeft = isMalformed ? 0 : recordCount;
        Type = FyersMessageType.DataFeed;
        MessageNumber = messageNumber;
        AckDue = ackDue;
        RecordCount = isMalformed ? 0 : recordCount;
        IsMalformed = isMalformed;
    }

    public FyersMessageType Type { get; }

    /// <summary>The frame was cut short or its records do not add up; nothing in it was applied.</summary>
    public bool IsMalformed { get; }

    /// <summary>The verdict of a control response; <see cref="FyersResponseStatus.None"/> for data frames.</summary>
    public FyersResponseStatus Status { get; }

    /// <summary>From an authentication response: ack every this many data frames; 0 means never.</summary>
    public int AckInterval { get; }

    /// <summary>From an authentication response: the server's JSON field schema, when it sent one.</summary>
    public ReadOnlySpan<byte> Schema { get; }

    /// <summary>The data frame's number, to put in an acknowledgement.</summary>
    public uint MessageNumber { get; }

    /// <summary>This data frame completes an ack interval: send <see cref="FyersFrameWriter.WriteAcknowledgement(Span{byte}, uint)"/> with <see cref="MessageNumber"/>.</summary>
    public bool AckDue { get; }

    /// <summary>Records in a well-formed data frame.</summary>
    public int RecordCount { get; }

    /// <summary>Applies the next record to the topic table and returns the topic's state after it; false when the frame holds no more.</summary>
    /// <remarks>Updates for a topic id no snapshot has bound are counted by the decoder and passed over.</remarks>
    public bool TryReadNext(out FyersQuote quote)
    {
        while (_recordsLeft > 0)
        {
            _recordsLeft--;
            var record = _frame[_position..];
            var kind = (FyersRecordKind)record[0];
            var topicId = BinaryPrimitives.ReadUInt16BigEndian(record[1..]);
            FyersTopicSlot? slot;
            uint carried;
            switch (kind)
            {
                case FyersRecordKind.Snapshot:
                    _position += _decoder!.ApplySnapshot(record, out slot, out carried);
                    break;
                case FyersRecordKind.Update:
                    var values = record.Slice(FyersFeedDecoder.UpdateHeaderLength, record[FyersFeedDecoder.UpdateHeaderLength - 1] * sizeof(int));
                    _position += FyersFeedDecoder.UpdateHeaderLength + values.Length;
                    slot = _decoder!.Patch(topicId, values, out carried);
                    break;
                default:
                    _position += FyersFeedDecoder.LiteLength;
                    slot = _decoder!.Patch(topicId, record.Slice(FyersFeedDecoder.LiteHeaderLength, sizeof(int)), out carried);
                    break;
            }
            if (slot is not null)
            {
                quote = new FyersQuote(slot.Topic, kind, MessageNumber, carried, slot.Values);
                return true;
            }
        }
        quote = default;
        return false;
    }
}
