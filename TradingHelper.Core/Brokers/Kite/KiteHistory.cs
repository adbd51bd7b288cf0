using System.Globalization;
using System.Text.Json;
using TradingHelper.Core.Market;

namespace TradingHelper.Core.Brokers.Kite;

/// <summary>The wire formats of Kite's historical endpoint: IST query dates and <c>+0530</c> candle timestamps.</summary>
public static class KiteHistory
{
    /// <summary>Formats an instant as Kite's <c>from</c>/<c>to</c> parameter: IST wall-clock time.</summary>
    public static string FormatIst(DateTimeOffset instant) =>
        instant.ToOffset(IndianMarket.IstOffset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Parses Kite's colon-less offset timestamp, e.g. <c>2019-12-04T09:15:00+0530</c>, into UTC.</summary>
    public static DateTimeOffset ParseTimestamp(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // .NET's zzz wants "+05:30"; Kite writes "+0530".
        var offsetStart = text.Length - 5;
        if (offsetStart > 0 && text[offsetStart] is '+' or '-' && text.IndexOf(':', offsetStart) < 0)
        {
            text = string.Concat(text.AsSpan(0, offsetStart + 3), ":", text.AsSpan(offsetStart + 3));
        }
        return DateTimeOffset.ParseExact(text, "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture, DateTimeStyles.None).ToUniversalTime();
    }

    /// <summary>Reads <c>data.candles</c> of a successful response: <c>[ts, o, h, l, c, v(, oi)]</c> rows.</summary>
    public static List<KiteCandle> ParseCandles(JsonElement root)
    {
        var candles = new List<KiteCandle>();
        if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
            || !data.TryGetProperty("candles", out var rows) || rows.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("The Kite history response has no data.candles array.");
        }
        foreach (var row in rows.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() < 6)
            {
                throw new FormatException("A Kite candle is not an array of at least six values.");
            }
            candles.Add(new KiteCandle(
                ParseTimestamp(row[0].GetString() ?? throw new FormatException("A Kite candle has no timestamp.")),
                row[1].GetDecimal(),
                row[2].GetDecimal(),
                row[3].GetDecimal(),
                row[4].GetDecimal(),
                // Day volume can exceed 2^32 (and the JS client once read it as a float).
                (long)row[5].GetDecimal(),
                row.GetArrayLength() > 6 && row[6].ValueKind == JsonValueKind.Number ? (long)row[6].GetDecimal() : null));
        }
        return candles;
    }
}
