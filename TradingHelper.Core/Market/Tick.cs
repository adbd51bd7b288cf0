namespace TradingHelper.Core.Market;

/// <summary>One quote update of an instrument as it is stored in <c>tick_data</c>; prices in rupees.</summary>
/// <remarks>
/// A value type so that a decoder can hand ticks to the writer's channel without allocating; pass it by
/// <c>in</c> on hot paths. <see cref="Time"/> is derived, so it can never disagree with the two stamps it comes from.
/// </remarks>
public readonly record struct Tick
{
    /// <summary>The internal instrument id (<c>instruments.id</c>), not the broker's token.</summary>
    public int InstrumentId { get; init; }

    /// <summary>Price of the last trade.</summary>
    public decimal LastPrice { get; init; }

    /// <summary>Volume-weighted average price of the day.</summary>
    public decimal AveragePrice { get; init; }

    /// <summary>Quantity of the last trade.</summary>
    public long LastQuantity { get; init; }

    /// <summary>Cumulative volume of the trading day (not the volume of this tick).</summary>
    public long Volume { get; init; }

    /// <summary>Open interest at this tick (a snapshot); zero for instruments without OI.</summary>
    public long OpenInterest { get; init; }

    /// <summary>Best bid, when the feed mode carries depth.</summary>
    public decimal? BidPrice { get; init; }

    /// <summary>Quantity at the best bid.</summary>
    public long? BidQuantity { get; init; }

    /// <summary>Best ask, when the feed mode carries depth.</summary>
    public decimal? AskPrice { get; init; }

    /// <summary>Quantity at the best ask.</summary>
    public long? AskQuantity { get; init; }

    /// <summary>The exchange's timestamp of the tick, when the feed carries one.</summary>
    public DateTimeOffset? ExchangeTime { get; init; }

    /// <summary>When this process read the tick off the socket.</summary>
    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The tick's time in the market: the exchange time when present, else the receive time.</summary>
    public DateTimeOffset Time => ExchangeTime ?? ReceivedAt;
}
