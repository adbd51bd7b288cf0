using TradingHelper.Core.Brokers.Kite;
using TradingHelper.Core.Market;

namespace TradingHelper.Ingestor.Brokers.Kite;

/// <summary>From Kite's wire values to the stored tick: rupees, depth only from full packets, both clocks.</summary>
public static class KiteTickMapping
{
    /// <summary>Turns a decoded packet into the stored tick: rupees, the exchange time when the packet has one, and the receive time.</summary>
    public static Tick ToTick(in KiteTick tick, int instrumentId, DateTimeOffset receivedAt)
    {
        var hasDepth = tick.Kind == KitePacketKind.Full;
        var bids = tick.Bids;
        var asks = tick.Asks;
        var bid = bids[0];
        var ask = asks[0];
        return new Tick
        {
            InstrumentId = instrumentId,
            LastPrice = tick.ToRupees(tick.LastPrice),
            AveragePrice = tick.ToRupees(tick.AveragePrice),
            LastQuantity = tick.LastQuantity,
            Volume = tick.Volume,
            OpenInterest = tick.OpenInterest,
            BidPrice = hasDepth && !bid.IsEmpty ? tick.ToRupees(bid.Price) : null,
            BidQuantity = hasDepth && !bid.IsEmpty ? bid.Quantity : null,
            AskPrice = hasDepth && !ask.IsEmpty ? tick.ToRupees(ask.Price) : null,
            AskQuantity = hasDepth && !ask.IsEmpty ? ask.Quantity : null,
            ExchangeTime = tick.ExchangeTime,
            ReceivedAt = receivedAt,
        };
    }
}
