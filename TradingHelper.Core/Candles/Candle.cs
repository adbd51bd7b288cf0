namespace TradingHelper.Core.Candles;

/// <summary>One OHLC candle; <see cref="Volume"/> is traded in the candle, <see cref="OpenInterest"/> is the last snapshot.</summary>
public readonly record struct Candle(
    DateTimeOffset Bucket,
    decimal Open,
    decimal High,
    decimal Low,
    decimal Close,
    long Volume,
    long? OpenInterest,
    CandleSource Source);
