namespace TradingHelper.Api.Historical;

/// <summary>Candles of one instrument, oldest first, and which sources (ticks, broker, mixed) they came from.</summary>
public sealed record CandleSeries(
    int Token,
    string Exchange,
    string Tradingsymbol,
    string Interval,
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<string> Sources,
    int Count,
    IReadOnlyList<CandleView> Candles);

/// <summary>One candle: <see cref="Time"/> is its start, volume is traded within it, <see cref="Oi"/> the last open interest.</summary>
public sealed record CandleView(DateTimeOffset Time, decimal Open, decimal High, decimal Low, decimal Close, long Volume, long? Oi, string Source);
