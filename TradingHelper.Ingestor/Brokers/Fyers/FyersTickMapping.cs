using TradingHelper.Core.Brokers.Fyers;
using TradingHelper.Core.Market;

namespace TradingHelper.Ingestor.Brokers.Fyers;

/// <summary>From a decoded Fyers quote to the stored tick: rupees as decimal, cumulative volume, OI, best bid/ask and the exchange's second.</summary>
public static class FyersTickMapping
{
    /// <summary>The tick of a scrip or index quote; false for depth topics and for a quote that has no last price yet.</summary>
    public static bool TryToTick(in FyersQuote quote, int instrumentId, DateTimeOffset receivedAt, out Tick tick)
    {
        tick = default;
        if (quote.Topic.Kind is not (FyersTopicKind.Scrip or FyersTopicKind.Index) || quote.LastPrice is not { } lastPrice)
        {
            return false;
        }
        // A zero best price means an empty side of the book, not a quote at zero.
        var bid = quote.BidPrice is > 0 ? quote.BidPrice : null;
        var ask = quote.AskPrice is > 0 ? quote.AskPrice : null;
        tick = new Tick
        {
            InstrumentId = instrumentId,
            LastPrice = lastPrice,
            AveragePrice = quote.AveragePrice ?? 0,
            LastQuantity = quote.LastTradedQuantity ?? 0,
            Volume = quote.Volume ?? 0,
            OpenInterest = quote.OpenInterest ?? 0,
            BidPrice = bid,
            BidQuantity = bid is null ? null : quote.BidQuantity,
            AskPrice = ask,
            AskQuantity = ask is null ? null : quote.AskQuantity,
            ExchangeTime = quote.ExchangeTime,
            ReceivedAt = receivedAt,
        };
        return true;
    }
}
