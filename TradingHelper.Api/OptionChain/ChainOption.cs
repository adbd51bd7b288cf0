namespace TradingHelper.Api.OptionChain;

/// <summary>
/// One call or put of a strike: last price, OI and their change since the previous day's close, day volume, best bid and
/// ask, implied volatility (percent) and delta, and the build-up its price and OI changes read as.
/// </summary>
public sealed record ChainOption(
    int Token,
    string TradingSymbol,
    int LotSize,
    DateTimeOffset? Time,
    decimal? LastPrice,
    decimal? PreviousClose,
    decimal? PriceChange,
    long? Oi,
    long? PreviousOi,
    long? OiChange,
    long? Volume,
    decimal? Bid,
    long? BidQty,
    decimal? Ask,
    long? AskQty,
    double? Iv,
    double? Delta,
    string? BuildUp);
