namespace TradingHelper.Core.Brokers.Kite;

/// <summary>One row of Kite's instrument dump, normalised for the <c>instruments</c> table.</summary>
/// <param name="Underlying">For derivatives the underlying's name (from <c>name</c>, else the symbol's letters); null otherwise.</param>
/// <param name="Strike">Options only.</param>
/// <param name="TickSize">Kite writes 0 for indices; the table wants a positive tick, so those read as 0.05.</param>
/// <param name="LotSize">Kite writes 0 for indices; those read as 1.</param>
public sealed record KiteInstrument(
    uint InstrumentToken,
    uint ExchangeToken,
    string TradingSymbol,
    string? Name,
    DateOnly? Expiry,
    decimal? Strike,
    decimal TickSize,
    int LotSize,
    string InstrumentType,
    string Segment,
    string Exchange,
    string? Underlying);
