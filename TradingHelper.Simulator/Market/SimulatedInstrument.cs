using TradingHelper.Core.Brokers.Kite;

namespace TradingHelper.Simulator.Market;

/// <summary>One row of the simulated instrument master, with its price when the universe was built and the underlying it is priced off.</summary>
internal sealed record SimulatedInstrument(
    uint InstrumentToken,
    uint ExchangeToken,
    string TradingSymbol,
    string Name,
    DateOnly? Expiry,
    decimal Strike,
    decimal TickSize,
    int LotSize,
    string InstrumentType,
    string Segment,
    string Exchange,
    decimal BasePrice,
    string Underlying)
{
    public bool IsIndex => KiteInstrumentToken.SegmentOf(InstrumentToken) == KiteSegment.Indices;

    /// <summary>Open interest exists only for derivatives.</summary>
    public bool HasOpenInterest => Expiry is not null;

    /// <summary>The size trades come in: the contract lot for derivatives, a round lot for cash stocks.</summary>
    public int TradeUnit => LotSize > 1 ? LotSize : 25;
}
