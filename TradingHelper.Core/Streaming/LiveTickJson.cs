using System.Buffers;
using System.Text.Json;

namespace TradingHelper.Core.Streaming;

/// <summary>
/// The wire format of live ticks: a batch is <c>{"ticks":[tick, ...]}</c>, a quote in the hash is one tick object.
/// </summary>
public static class LiveTickJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    /// <summary>Writes one tick object.</summary>
    public static void WriteTick(Utf8JsonWriter writer, in LiveTick tick) =>
        JsonSerializer.Serialize(writer, tick, LiveTickJsonContext.Default.LiveTick);

    /// <summary>Serializes one tick object to UTF-8.</summary>
    public static byte[] SerializeTick(in LiveTick tick) =>
        JsonSerializer.SerializeToUtf8Bytes(tick, LiveTickJsonContext.Default.LiveTick);

    /// <summary>Reads one tick object.</summary>
    public static LiveTick DeserializeTick(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, LiveTickJsonContext.Default.LiveTick);

    /// <summary>Writes a batch message holding every tick of <paramref name="ticks"/> in order.</summary>
    public static void WriteBatch(IBufferWriter<byte> output, ReadOnlySpan<LiveTick> ticks)
    {
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        writer.WriteStartObject();
        writer.WriteStartArray("ticks"u8);
        foreach (ref readonly var tick in ticks)
        {
            WriteTick(writer, tick);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>
    /// Splits a batch message into its ticks without copying them: each <see cref="RawTick.Json"/> is a slice of
    /// <paramref name="message"/>, so a tick is forwarded exactly as published and parsed only once per Api instance.
    /// </summary>
    /// <exception cref="JsonException">The message is not a batch of tick objects that each carry an integer token.</exception>
    public static void ReadBatch(ReadOnlyMemory<byte> message, List<RawTick> into)
    {
        var reader = new Utf8JsonReader(message.Span);
        try
        {
            Expect(ref reader, JsonTokenType.StartObject);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isTicks = reader.ValueTextEquals("ticks"u8);
                reader.Read();
                if (!isTicks)
                {
                    reader.Skip();
                    continue;
                }
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw new JsonException("'ticks' must be an array.");
                }
                while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    var start = (int)reader.TokenStartIndex;
                    var token = ReadToken(ref reader);
                    into.Add(new RawTick(token, message[start..(int)reader.BytesConsumed]));
                }
                if (reader.TokenType != JsonTokenType.EndArray)
                {
                    throw new JsonException("'ticks' must hold only tick objects.");
                }
            }
        }
        catch (Exception exception) when (exception is InvalidOperationException or FormatException)
        {
            throw new JsonException(exception.Message, exception);
        }
    }

    /// <summary>Checks that <paramref name="json"/> is one tick object of <paramref name="token"/>.</summary>
    public static bool IsTickOf(ReadOnlySpan<byte> json, int token)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            Expect(ref reader, JsonTokenType.StartObject);
            return ReadToken(ref reader) == token && !reader.Read();
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    /// <summary>Reads the properties of a tick object up to its end, returning its token.</summary>
    private static int ReadToken(ref Utf8JsonReader reader)
    {
        int? token = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isToken = reader.ValueTextEquals("token"u8);
            reader.Read();
            if (isToken)
            {
                token = reader.GetInt32();
            }
            else
            {
                reader.Skip();
            }
        }
        return token ?? throw new JsonException("A tick has no integer 'token'.");
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (!reader.Read() || reader.TokenType != type)
        {
            throw new JsonException($"Expected {type}.");
        }
    }
}
