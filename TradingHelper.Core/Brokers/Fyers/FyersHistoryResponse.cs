using System.Text.Json;

namespace TradingHelper.Core.Brokers.Fyers;

/// <summary>The answer of <c>GET /data/history</c>: candles, or an error saying whether to stop, retry or report.</summary>
public sealed class FyersHistoryResponse
{
    private FyersHistoryResponse(IReadOnlyList<FyersCandle> candles, FyersApiError? error)
    {
        Candles = candles;
        Error = error;
    }

    /// <summary>The candles, oldest first as sent; empty for <c>no_data</c> and on error.</summary>
    public IReadOnlyList<FyersCandle> Candles { get; }

    public FyersApiError? Error { get; }

    public bool IsSuccess => Error is null;

    /// <summary>Parses a response body; never throws on a body it cannot read, which becomes an <see cref="FyersApiErrorKind.Unknown"/> error (or the kind its HTTP status implies).</summary>
    /// <remarks>Prices are read from the JSON text straight into decimal, never through double.</remarks>
    public static FyersHistoryResponse Parse(ReadOnlySpan<byte> utf8Json, int httpStatus = 200)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            using var document = JsonDocument.ParseValue(ref reader);
            return Parse(document.RootElement, httpStatus);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or ArgumentOutOfRangeException or OverflowException)
        {
            return Failed(null, $"Unreadable history response: {ex.Message}", httpStatus);
        }
    }

    /// <summary>
    /// Parses a response body as it arrives: the document is built in pooled buffers instead of the body being copied
    /// whole first (a day range of candles is over 85 KB, so each copy was a large-object allocation per request).
    /// </summary>
    public static async Task<FyersHistoryResponse> ReadAsync(Stream utf8Json, int httpStatus, CancellationToken cancellationToken)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(utf8Json, cancellationToken: cancellationToken);
            return Parse(document.RootElement, httpStatus);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or ArgumentOutOfRangeException or OverflowException)
        {
            return Failed(null, $"Unreadable history response: {ex.Message}", httpStatus);
        }
    }

    private static FyersHistoryResponse Parse(JsonElement root, int httpStatus)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Failed(null, "The history response is not a JSON object.", httpStatus);
        }
        var status = root.TryGetProperty("s", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        int? code = root.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var number) ? number : null;
        var message = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() ?? "" : "";

        if (status == "no_data")
        {
            return new FyersHistoryResponse([], null);
        }
        if (status != "ok" || httpStatus is < 200 or >= 300)
        {
            return Failed(code, message.Length > 0 ? message : $"History request failed with s=\"{status}\".", httpStatus);
        }
        if (!root.TryGetProperty("candles", out var candles) || candles.ValueKind != JsonValueKind.Array)
        {
            return new FyersHistoryResponse([], null);
        }

        var result = new List<FyersCandle>(candles.GetArrayLength());
        foreach (var candle in candles.EnumerateArray())
        {
            if (candle.ValueKind != JsonValueKind.Array || candle.GetArrayLength() < 6)
            {
                return Failed(null, $"Candle {result.Count} is not [time, open, high, low, close, volume(, oi)].", httpStatus);
            }
            result.Add(new FyersCandle(
                DateTimeOffset.FromUnixTimeSeconds(candle[0].GetInt64()),
                candle[1].GetDecimal(),
                candle[2].GetDecimal(),
                candle[3].GetDecimal(),
                candle[4].GetDecimal(),
                WholeNumber(candle[5]),
                candle.GetArrayLength() > 6 && candle[6].ValueKind == JsonValueKind.Number ? WholeNumber(candle[6]) : null));
        }
        return new FyersHistoryResponse(result, null);
    }

    // Volume and OI are integers, but some responses write them as 1234.0.
    private static long WholeNumber(JsonElement value) =>
        value.TryGetInt64(out var whole) ? whole : (long)decimal.Truncate(value.GetDecimal());

    private static FyersHistoryResponse Failed(int? code, string message, int httpStatus) =>
        new([], new FyersApiError(code, message, httpStatus, FyersApiError.Classify(code, httpStatus)));
}
