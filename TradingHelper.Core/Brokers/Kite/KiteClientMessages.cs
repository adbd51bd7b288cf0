using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace TradingHelper.Core.Brokers.Kite;

/// <summary>Writes and parses the JSON text messages a client sends the ticker: <c>{"a":"subscribe","v":[...]}</c> and friends.</summary>
public static class KiteClientMessages
{
    /// <summary>Writes <c>{"a":"subscribe","v":[tokens]}</c>.</summary>
    public static void WriteSubscribe(IBufferWriter<byte> destination, ReadOnlySpan<uint> tokens) =>
        WriteTokensAction(destination, "subscribe", tokens);

    /// <summary>Writes <c>{"a":"unsubscribe","v":[tokens]}</c>.</summary>
    public static void WriteUnsubscribe(IBufferWriter<byte> destination, ReadOnlySpan<uint> tokens) =>
        WriteTokensAction(destination, "unsubscribe", tokens);

    /// <summary>Writes <c>{"a":"mode","v":[mode,[tokens]]}</c>.</summary>
    public static void WriteMode(IBufferWriter<byte> destination, KiteMode mode, ReadOnlySpan<uint> tokens)
    {
        using var writer = new Utf8JsonWriter(destination);
        writer.WriteStartObject();
        writer.WriteString("a", "mode");
        writer.WriteStartArray("v");
        writer.WriteStringValue(NameOf(mode));
        WriteTokens(writer, tokens);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>The wire name of a mode: ltp, quote or full.</summary>
    public static string NameOf(KiteMode mode) => mode switch
    {
        KiteMode.Ltp => "ltp",
        KiteMode.Quote => "quote",
        KiteMode.Full => "full",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Not a Kite mode."),
    };

    /// <summary>Parses a client message; on bad input returns false with a reason naming the field.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, [NotNullWhen(true)] out KiteClientRequest? request, [NotNullWhen(false)] out string? error)
    {
        request = null;
        try
        {
            var reader = new Utf8JsonReader(utf8);
            using var document = JsonDocument.ParseValue(ref reader);
            return TryParse(document.RootElement, out request, out error);
        }
        catch (JsonException ex)
        {
            error = $"Malformed JSON: {ex.Message}";
            return false;
        }
    }

    private static bool TryParse(JsonElement root, [NotNullWhen(true)] out KiteClientRequest? request, [NotNullWhen(false)] out string? error)
    {
        request = null;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("a", out var action) || action.ValueKind != JsonValueKind.String)
        {
            error = "The \"a\" field is missing or not a string.";
            return false;
        }
        if (!root.TryGetProperty("v", out var value) || value.ValueKind != JsonValueKind.Array)
        {
            error = "The \"v\" field is missing or not an array.";
            return false;
        }

        switch (action.GetString())
        {
            case "subscribe":
            case "unsubscribe":
                if (!TryReadTokens(value, out var tokens, out error))
                {
                    return false;
                }
                var kind = action.ValueEquals("subscribe") ? KiteClientAction.Subscribe : KiteClientAction.Unsubscribe;
                request = new KiteClientRequest(kind, KiteMode.Quote, tokens);
                return true;
            case "mode":
                if (value.GetArrayLength() != 2 || value[0].ValueKind != JsonValueKind.String || !TryParseMode(value[0].GetString(), out var mode))
                {
                    error = "The \"v\" field of a mode message must be [\"ltp\"|\"quote\"|\"full\", [tokens]].";
                    return false;
                }
                if (!TryReadTokens(value[1], out var modeTokens, out error))
                {
                    return false;
                }
                request = new KiteClientRequest(KiteClientAction.Mode, mode, modeTokens);
                return true;
            default:
                error = $"The \"a\" field \"{action.GetString()}\" is not subscribe, unsubscribe or mode.";
                return false;
        }
    }

    private static bool TryParseMode(string? name, out KiteMode mode)
    {
        switch (name)
        {
            case "ltp": mode = KiteMode.Ltp; return true;
            case "quote": mode = KiteMode.Quote; return true;
            case "full": mode = KiteMode.Full; return true;
            default: mode = default; return false;
        }
    }

    private static bool TryReadTokens(JsonElement array, [NotNullWhen(true)] out uint[]? tokens, [NotNullWhen(false)] out string? error)
    {
        tokens = null;
        if (array.ValueKind != JsonValueKind.Array)
        {
            error = "The token list must be a JSON array.";
            return false;
        }
        var result = new uint[array.GetArrayLength()];
        var i = 0;
        foreach (var token in array.EnumerateArray())
        {
            if (token.ValueKind != JsonValueKind.Number || !token.TryGetUInt32(out result[i]))
            {
                error = $"Token {token.GetRawText()} is not an unsigned 32-bit integer.";
                return false;
            }
            i++;
        }
        tokens = result;
        error = null;
        return true;
    }

    private static void WriteTokensAction(IBufferWriter<byte> destination, string action, ReadOnlySpan<uint> tokens)
    {
        using var writer = new Utf8JsonWriter(destination);
        writer.WriteStartObject();
        writer.WriteString("a", action);
        writer.WritePropertyName("v");
        WriteTokens(writer, tokens);
        writer.WriteEndObject();
    }

    private static void WriteTokens(Utf8JsonWriter writer, ReadOnlySpan<uint> tokens)
    {
        writer.WriteStartArray();
        foreach (var token in tokens)
        {
            writer.WriteNumberValue(token);
        }
        writer.WriteEndArray();
    }
}
