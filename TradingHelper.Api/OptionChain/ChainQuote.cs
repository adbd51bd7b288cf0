namespace TradingHelper.Api.OptionChain;

/// <summary>The last tick of an instrument: from tick_data for a past minute, from the Redis quotes hash live.</summary>
public sealed record ChainQuote(
    DateTimeOffset Time,
    decimal LastPrice,
    long? Volume,
    long? Oi,
    decimal? Bid,
    long? BidQty,
    decimal? Ask,
    long? AskQty);
