using TradingHelper.Core.Brokers.Fyers;

namespace TradingHelper.Ingestor.Brokers.Fyers;

/// <summary>Level 1 of an instrument's order book from its <c>dp|</c> topic: what a full-mode tick stores as best bid and ask, as Kite's full mode does.</summary>
public readonly record struct FyersBestQuote(decimal? BidPrice, long? BidQuantity, decimal? AskPrice, long? AskQuantity)
{
    /// <summary>The best bid and ask of a depth quote; a zero price is an empty side of the book, not a quote at zero.</summary>
    public static FyersBestQuote From(in FyersQuote depth)
    {
        var bid = depth.Bid(1);
        var ask = depth.Ask(1);
        return new FyersBestQuote(
            bid.Price is > 0 ? bid.Price : null, bid.Price is > 0 ? bid.Quantity : null,
            ask.Price is > 0 ? ask.Price : null, ask.Price is > 0 ? ask.Quantity : null);
    }
}
