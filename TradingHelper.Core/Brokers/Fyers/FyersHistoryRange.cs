namespace TradingHelper.Core.Brokers.Fyers;

/// <summary>The history endpoint's resolutions and how far one request may reach, and the split of a long range into allowed requests.</summary>
public static class FyersHistoryRange
{
    /// <summary>Calendar days one intraday (minutes or seconds) request may span.</summary>
    public static readonly TimeSpan IntradayMaxSpan = TimeSpan.FromDays(100);

    /// <summary>Calendar days one daily, weekly or monthly request may span.</summary>
    public static readonly TimeSpan DailyMaxSpan = TimeSpan.FromDays(366);

    /// <summary>The longest range one request at this resolution may ask for.</summary>
    public static TimeSpan MaxSpanOf(string resolution) => IsDaily(resolution) ? DailyMaxSpan : IsIntraday(resolution)
        ? IntradayMaxSpan
        : throw new ArgumentException($"'{resolution}' is not a Fyers history resolution.", nameof(resolution));

    /// <summary>True for a resolution the endpoint accepts: 5S…45S, 1…240 (minutes), D/1D, 1W, 1M.</summary>
    public static bool IsValid(string resolution) => IsDaily(resolution) || IsIntraday(resolution);

    /// <summary>Splits [from, to] into consecutive requests no longer than the resolution allows.</summary>
    /// <remarks>Each chunk starts where the previous one ended: whether <c>range_to</c> is inclusive is undocumented, so a
    /// candle on a seam may come twice rather than never. Store candles by start time.</remarks>
    public static IReadOnlyList<FyersHistoryChunk> Split(DateTimeOffset from, DateTimeOffset to, string resolution)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(from, to);
        var maxSpan = MaxSpanOf(resolution);
        var chunks = new List<FyersHistoryChunk>();
        var start = from;
        do
        {
            var end = to - start > maxSpan ? start + maxSpan : to;
            chunks.Add(new FyersHistoryChunk(start, end));
            start = end;
        }
        while (start < to);
        return chunks;
    }

    private static bool IsDaily(string resolution) => resolution is "D" or "1D" or "1W" or "1M";

    // Seconds resolutions reach back only 30 trading days; their per-request span is undocumented, so they share the minutes' limit.
    private static bool IsIntraday(string resolution) => resolution is
        "5S" or "10S" or "15S" or "30S" or "45S"
        or "1" or "2" or "3" or "5" or "10" or "15" or "20" or "30" or "45" or "60" or "120" or "180" or "240";
}
