namespace TradingHelper.Api.Quotes;

/// <summary>
/// Where an instrument stands on its trading day (the IST day of its latest one-minute candle), from the candle store:
/// the latest close, the close before the day began, the day's volume and OI. Nulls where no candle says.
/// </summary>
public sealed record DayQuote(
    int Token,
    DateOnly? TradingDay,
    decimal? LastPrice,
    DateTimeOffset? LastMinute,
    decimal? PreviousClose,
    DateTimeOffset? PreviousCloseMinute,
    decimal? ChangePercent,
    long? DayVolume,
    long? Oi);

/// <summary>The day quotes of the requested instruments that exist, by token.</summary>
public sealed record DayQuoteList(int Count, IReadOnlyList<DayQuote> Items);
