using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace TradingHelper.Core.Brokers.Kite;

/// <summary>A server text frame <c>{"type":...,"data":...}</c>: order postbacks, errors and broker messages.</summary>
/// <param name="Type">The <c>type</c> exactly as sent.</param>
/// <param name="Data">The <c>data</c> payload as raw JSON (<c>null</c> when absent).</param>
public sealed record KiteTextMessage(string Type, string Data)
{
    public KiteTextMessageType Kind => Type switch
    {
        "order" => KiteTextMessageType.Order,
        "error" => KiteTextMessageType.Error,
        "message" => KiteTextMessageType.Message,
        _ => KiteTextMessageType.Other,
    };

    /// <summary>The payload when it is a JSON string (errors and messages), otherwise null.</summary>
    public string? DataText
    {
        get
        {
            using var document = JsonDocument.Parse(Data);
            return document.RootElement.ValueKind == JsonValueKind.String ? document.RootElement.GetString() : null;
        }
    }

    /// <summary>Parses a text frame; on malformed input returns false with the reason instead of throwing.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, [NotNullWhen(true)] out KiteTextMessage? message, [NotNullWhen(false)] out string? error)
    {
        message = null;
        try
        {
            var reader = new Utf8JsonReader(utf8);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = $"Expected a JSON object, got {root.ValueKind}.";
                return false;
            }
            if (!root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                error = "The \"type\" field is missing or not a string.";
                return false;
            }
            var data = root.TryGetProperty("data", out var payload) ? payload.GetRawText() : "null";
            message = new KiteTextMessage(type.GetString()!, data);
            error = null;
            return true;
        }
        catch (JsonException ex)
        {
            error = $"Malformed JSON: {ex.Message}";
            return false;
        }
    }
}
