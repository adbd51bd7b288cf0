using TradingHelper.Core.Brokers.Fyers;
using TradingHelper.Core.Market;

namespace TradingHelper.Ingestor.Brokers.Fyers;

/// <summary>From a decoded Fyers quote to the stored tick, shaped by the subscription's mode as Kite's ticks are: rupees as decimal, cumulative volume, OI, the exchange's second, and the best bid/ask in full mode only.</summary>
public static class FyersTickMapping
{
    /// <summary>
    /// The tick of a scrip or index quote: the last price alone for <see cref="FyersTopicRole.Ltp"/>, the quote without the
    /// book for <see cref="FyersTopicRole.Quote"/>, and with <paramref name="book"/> (the depth topic's level 1) for
    /// <see cref="FyersTopicRole.Full"/>. False for depth topics and for a quote that has no last price yet.
    /// </summary>
    public static bool TryToTick(in FyersQuote quote, int instrumentId, FyersTopicRole role, FyersBestQuote? book, DateTimeOffset receivedAt, out Tick tick)
    {
        tick = default;
        if (role == FyersTopicRole.Depth || quote.Topic.Kind is not (FyersTopicKind.Scrip or FyersTopicKind.Index) || quote.LastPrice is not { } lastPrice)
        {
            return false;
        }
        if (role == FyersTopicRole.Ltp)
        {
            // A lite channel's snapshot carries every field, but its later records only the price: storing the snapshot's
            // figures would repeat them, stale, on every row, so an ltp row is the price alone, like Kite's.
            tick = new Tick { InstrumentId = instrumentId, LastPrice = lastPrice, ReceivedAt = receivedAt };
            return true;
        }
        var depth = role == FyersTopicRole.Full ? book ?? default : default;
        tick = new Tick
        {
            InstrumentId = instrumentId,
            LastPrice = lastPrice,
            AveragePrice = quote.AveragePrice ?? 0,
            LastQuantity = quote.LastTradedQuantity ?? 0,
            Volume = quote.Volume ?? 0,
            OpenInterest = quote.OpenInterest ?? 0,
            BidPrice = depth.BidPrice,
            BidQuantity = depth.BidQuantity,
            AskPrice = depth.AskPrice,
            AskQuantity = depth.AskQuantity,
            ExchangeTime = quote.ExchangeTime,
            ReceivedAt = receivedAt,
        };
        return true;
    }
}
