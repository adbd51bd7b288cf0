namespace TradingHelper.Simulator.Market;

/// <summary>A Kite historical interval: its name, length in minutes (0 for a day) and the longest range one request may ask for.</summary>
internal sealed record CandleInterval(string Name, int Minutes, int MaxDays)
{
    public static readonly IReadOnlyDictionary<string, CandleInterval> All = new Dictionary<string, CandleInterval>(StringComparer.Ordinal)
    {
        ["minute"] = new("minute", 1, 60),
        ["3minute"] = new("3minute", 3, 100),
        ["5minute"] = new("5minute", 5, 100),
        ["10minute"] = new("10minute", 10, 100),
        ["15minute"] = new("15minute", 15, 200),
        ["30minute"] = new("30minute", 30, 200),
        ["60minute"] = new("60minute", 60, 400),
        ["day"] = new("day", 0, 2000),
    };

    public bool IsDay => Minutes == 0;
}
