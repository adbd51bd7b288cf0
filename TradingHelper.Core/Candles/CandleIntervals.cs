using System.Diagnostics.CodeAnalysis;

namespace TradingHelper.Core.Candles;

/// <summary>The short codes of candle intervals (<c>1m</c>, <c>5m</c>, <c>15m</c>, <c>1h</c>, <c>1d</c>) used by the Api and SQL.</summary>
public static class CandleIntervals
{
    public static bool TryParse([NotNullWhen(true)] string? code, out CandleInterval interval)
    {
        CandleInterval? parsed = code switch
        {
            "1m" => CandleInterval.OneMinute,
            "5m" => CandleInterval.FiveMinutes,
            "15m" => CandleInterval.FifteenMinutes,
            "1h" => CandleInterval.OneHour,
            "1d" => CandleInterval.OneDay,
            _ => null,
        };
        interval = parsed.GetValueOrDefault();
        return parsed.HasValue;
    }

    public static CandleInterval Parse(string code) =>
        TryParse(code, out var interval)
            ? interval
            : throw new FormatException($"Unknown candle interval '{code}'; expected 1m, 5m, 15m, 1h or 1d.");

    public static string ToCode(this CandleInterval interval) => interval switch
    {
        CandleInterval.OneMinute => "1m",
        CandleInterval.FiveMinutes => "5m",
        CandleInterval.FifteenMinutes => "15m",
        CandleInterval.OneHour => "1h",
        CandleInterval.OneDay => "1d",
        _ => throw new ArgumentOutOfRangeException(nameof(interval), interval, "Unknown candle interval."),
    };
}
