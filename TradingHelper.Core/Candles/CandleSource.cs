namespace TradingHelper.Core.Candles;

/// <summary>Where a candle's minutes came from.</summary>
public enum CandleSource
{
    /// <summary>Derived from the captured ticks.</summary>
    Ticks,

    /// <summary>Backfilled from the broker's history.</summary>
    Broker,

    /// <summary>An aggregated candle with minutes from both.</summary>
    Mixed,
}
