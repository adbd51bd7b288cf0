using System.Diagnostics.CodeAnalysis;

namespace TradingHelper.Core.Brokers.Kite;

/// <summary>A Kite historical interval and the longest range one request may ask for (Kite spec §2).</summary>
public sealed record KiteHistoryInterval(string Name, int MaxDays)
{
    public static readonly KiteHistoryInterval Minute = new("minute", 60);
    public static readonly KiteHistoryInterval ThreeMinutes = new("3minute", 100);
    public static readonly KiteHistoryInterval FiveMinutes = new("5minute", 100);
    public static readonly KiteHistoryInterval TenMinutes = new("10minute", 100);
    public static readonly KiteHistoryInterval FifteenMinutes = new("15minute", 200);
    public static readonly KiteHistoryInterval ThirtyMinutes = new("30minute", 200);
    public static readonly KiteHistoryInterval SixtyMinutes = new("60minute", 400);
    public static readonly KiteHistoryInterval Day = new("day", 2000);

    public static IReadOnlyList<KiteHistoryInterval> All { get; } =
        [Minute, ThreeMinutes, FiveMinutes, TenMinutes, FifteenMinutes, ThirtyMinutes, SixtyMinutes, Day];

    public static bool TryParse([NotNullWhen(true)] string? name, [NotNullWhen(true)] out KiteHistoryInterval? interval)
    {
        interval = All.FirstOrDefault(candidate => candidate.Name == name);
        return interval is not null;
    }

    /// <summary>Consecutive ranges, each at most <see cref="MaxDays"/> long, that together cover [from, to).</summary>
    public IEnumerable<(DateTimeOffset From, DateTimeOffset To)> Windows(DateTimeOffset from, DateTimeOffset to)
    {
        var width = TimeSpan.FromDays(MaxDays);
        for (var start = from; start < to; start += width)
        {
            yield return (start, start + width < to ? start + width : to);
        }
    }
}
