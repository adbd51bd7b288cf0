namespace TradingHelper.Api.OptionChain;

/// <summary>
/// The option chain of one expiry as of an instant: <see cref="Source"/> <c>live</c> (latest quotes) or <c>stored</c>
/// (the ticks stored before <see cref="At"/>), strikes in ascending order.
/// </summary>
public sealed record OptionChainView(
    string Underlying,
    DateOnly Expiry,
    DateTimeOffset At,
    string Source,
    ChainSpot? Spot,
    ChainModel Model,
    ChainTotals Totals,
    IReadOnlyList<ChainStrike> Strikes);
