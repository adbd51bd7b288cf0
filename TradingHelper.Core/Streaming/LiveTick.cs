namespace TradingHelper.Core.Streaming;

/// <summary>One live tick as the Ingestor publishes it and the Api forwards it to browsers.</summary>
/// <remarks>
/// <see cref="Token"/> is the internal instrument id (<c>instruments.instrument_id</c>), never a broker token: Kite
/// reuses its tokens after expiry and Fyers has its own, so clients only ever see the broker-neutral id.
/// Prices are rupees, <see cref="Volume"/> is the cumulative volume of the trading day and <see cref="Oi"/> a snapshot.
/// </remarks>
public readonly record struct LiveTick(
    int Token,
    DateTimeOffset Time,
    decimal Ltp,
    long Volume,
    long Oi,
    decimal Bid,
    decimal Ask,
    long BidQty,
    long AskQty,
    decimal Avg,
    long LastQty);
