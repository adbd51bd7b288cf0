namespace TradingHelper.Api.OptionChain;

/// <summary>
/// What the whole chain says: OI and day volume of calls and puts, the put–call ratios by OI and by volume, max pain
/// (the settlement strike that pays option holders least) and the at-the-money strike (nearest the index).
/// </summary>
public sealed record ChainTotals(
    long CallOi,
    long PutOi,
    long CallVolume,
    long PutVolume,
    decimal? PcrOi,
    decimal? PcrVolume,
    decimal? MaxPain,
    decimal? AtmStrike);
