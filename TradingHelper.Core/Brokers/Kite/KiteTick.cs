namespace TradingHelper.Core.Brokers.Kite;

/// <summary>One decoded ticker packet with the raw wire values: prices in wire units (see <see cref="PriceDivisor"/>), times in Unix seconds.</summary>
/// <remarks>A value type with depth held inline, so decoding a frame allocates nothing. Fields a packet kind does not carry are zero.</remarks>
public struct KiteTick
{
    public uint InstrumentToken { get; set; }

    public KitePacketKind Kind { get; set; }

    public uint LastPrice { get; set; }

    /// <summary>Quantity of the most recent trade only.</summary>
    public uint LastQuantity { get; set; }

    /// <summary>The day's volume-weighted average price.</summary>
    public uint AveragePrice { get; set; }

    /// <summary>Cumulative volume of the trading day, not of this tick.</summary>
    public uint Volume { get; set; }

    public uint BuyQuantity { get; set; }

    public uint SellQuantity { get; set; }

    public uint Open { get; set; }

    public uint High { get; set; }

    public uint Low { get; set; }

    /// <summary>Previous trading day's close.</summary>
    public uint Close { get; set; }

    /// <summary>The index packets' signed "change" field, raw; clients disagree on its meaning, so derive change from <see cref="Close"/>.</summary>
    public int Change { get; set; }

    /// <summary>Unix seconds of the last trade; 0 when absent.</summary>
    public uint LastTradeTimeSeconds { get; set; }

    public uint OpenInterest { get; set; }

    public uint OpenInterestDayHigh { get; set; }

    public uint OpenInterestDayLow { get; set; }

    /// <summary>Unix seconds of the exchange snapshot; 0 when absent.</summary>
    public uint ExchangeTimestampSeconds { get; set; }

    public KiteDepthLevels Bids { get; set; }

    public KiteDepthLevels Asks { get; set; }

    public readonly KiteSegment Segment => KiteInstrumentToken.SegmentOf(InstrumentToken);

    public readonly bool IsTradable => KiteInstrumentToken.IsTradable(InstrumentToken);

    /// <summary>Wire units per rupee for every price field of this tick.</summary>
    public readonly uint PriceDivisor => KiteInstrumentToken.PriceDivisorOf(InstrumentToken);

    public readonly decimal LastPriceInRupees => ToRupees(LastPrice);

    public readonly DateTimeOffset? LastTradeTime => FromUnixSeconds(LastTradeTimeSeconds);

    public readonly DateTimeOffset? ExchangeTime => FromUnixSeconds(ExchangeTimestampSeconds);

    /// <summary>Converts a price field of this tick from wire units to rupees, exactly.</summary>
    public readonly decimal ToRupees(uint wirePrice) => (decimal)wirePrice / PriceDivisor;

    /// <summary>Converts the signed index change field to rupees, exactly.</summary>
    public readonly decimal ToRupees(int wireChange) => (decimal)wireChange / PriceDivisor;

    private static DateTimeOffset? FromUnixSeconds(uint seconds) =>
        seconds == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(seconds);
}
