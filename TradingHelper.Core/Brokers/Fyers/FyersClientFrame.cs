using System.Buffers.Binary;
using System.Text;

namespace TradingHelper.Core.Brokers.Fyers;

/// <summary>A frame a client sent the data socket, as a server (the simulator) reads it: the mirror of <see cref="FyersFrameWriter"/>.</summary>
/// <param name="Type">The message type; <see cref="FyersMessageType.Heartbeat"/> for <c>00 01 0b</c>.</param>
/// <param name="HsmKey">Authentication: the socket credential.</param>
/// <param name="Source">Authentication: the client's free-form source string.</param>
/// <param name="Mode">Mode: full or lite.</param>
/// <param name="Channel">Mode, subscribe, unsubscribe, pause, resume: the channel (the lowest bit set of a bitmap).</param>
/// <param name="Topics">Subscribe and unsubscribe: the topic names.</param>
/// <param name="MessageNumber">Acknowledgement: the acknowledged data frame's number.</param>
public sealed record FyersClientFrame(
    FyersMessageType Type,
    string? HsmKey = null,
    string? Source = null,
    FyersMode? Mode = null,
    int? Channel = null,
    IReadOnlyList<string>? Topics = null,
    uint? MessageNumber = null)
{
    /// <summary>Parses one client frame; false (with a reason) when it is cut short or its fields do not fit.</summary>
    public static bool TryParse(ReadOnlySpan<byte> message, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FyersClientFrame? frame, out string error)
    {
        frame = null;
        error = "";
        if (message.Length < 3)
        {
            error = $"a frame of {message.Length} bytes has no envelope";
            return false;
        }
        var type = (FyersMessageType)message[2];
        if (type == FyersMessageType.Heartbeat)
        {
            frame = new FyersClientFrame(type);
            return true;
        }
        if (message.Length < 4)
        {
            error = "no field count";
            return false;
        }
        var fields = new List<(byte Id, int Offset, int Length)>(message[3]);
        var position = 4;
        for (var i = 0; i < message[3]; i++)
        {
            if (message.Length - position < 3)
            {
                error = $"field {i + 1} has no header";
                return false;
            }
            int length = BinaryPrimitives.ReadUInt16BigEndian(message[(position + 1)..]);
            if (message.Length - position - 3 < length)
            {
                error = $"field {i + 1} announces {length} bytes past the end";
                return false;
            }
            fields.Add((message[position], position + 3, length));
            position += 3 + length;
        }
        switch (type)
        {
            case FyersMessageType.Authentication when fields.Count >= 1:
                frame = new FyersClientFrame(type, HsmKey: Encoding.ASCII.GetString(Field(message, fields, 0)),
                    Source: Encoding.ASCII.GetString(Field(message, fields, 3)));
                return true;
            case FyersMessageType.Mode when fields.Count >= 2 && fields[0].Length == 8 && fields[1].Length == 1:
                frame = new FyersClientFrame(type, Mode: (FyersMode)message[fields[1].Offset],
                    Channel: ChannelOf(BinaryPrimitives.ReadUInt64BigEndian(Field(message, fields, 0))));
                return true;
            case FyersMessageType.Pause or FyersMessageType.Resume when fields.Count >= 1 && fields[0].Length == 8:
                frame = new FyersClientFrame(type, Channel: ChannelOf(BinaryPrimitives.ReadUInt64BigEndian(Field(message, fields, 0))));
                return true;
            case FyersMessageType.Acknowledgement when fields.Count >= 1 && fields[0].Length == 4:
                frame = new FyersClientFrame(type, MessageNumber: BinaryPrimitives.ReadUInt32BigEndian(Field(message, fields, 0)));
                return true;
            case FyersMessageType.Subscribe or FyersMessageType.Unsubscribe when fields.Count >= 2 && fields[1].Length == 1:
                if (!TryReadTopics(Field(message, fields, 0), out var topics))
                {
                    error = "the topic list does not add up";
                    return false;
                }
                frame = new FyersClientFrame(type, Channel: message[fields[1].Offset], Topics: topics);
                return true;
            default:
                error = $"message type {(int)type} with {fields.Count} fields is not a client request";
                return false;
        }
    }

    // Fields are positional, as every SDK reads them; a missing one reads as empty.
    private static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> message, List<(byte Id, int Offset, int Length)> fields, int index) =>
        index < fields.Count ? message.Slice(fields[index].Offset, fields[index].Length) : default;

    private static int ChannelOf(ulong bitmap) => bitmap == 0 ? 0 : System.Numerics.BitOperations.TrailingZeroCount(bitmap);

    private static bool TryReadTopics(ReadOnlySpan<byte> field, out List<string> topics)
    {
        topics = [];
        if (field.Length < 2)
        {
            return false;
        }
        int count = BinaryPrimitives.ReadUInt16BigEndian(field);
        var position = 2;
        for (var i = 0; i < count; i++)
        {
            if (position >= field.Length || position + 1 + field[position] > field.Length)
            {
                return false;
            }
            topics.Add(Encoding.ASCII.GetString(field.Slice(position + 1, field[position])));
            position += 1 + field[position];
        }
        return position == field.Length;
    }
}
