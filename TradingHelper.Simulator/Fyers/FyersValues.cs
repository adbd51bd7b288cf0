using TradingHelper.Core.Brokers.Fyers;
using TradingHelper.Core.Brokers.Kite;

namespace TradingHelper.Simulator.Fyers;

/// <summary>Lays a full tick of the shared random walk out in Fyers' schema order (§1.10): 21 scrip, 8 index or 30 depth values, in paise.</summary>
internal static class FyersValues
{
    public const int ScripCount = 21;
    public const int IndexCount = 8;
    public const int DepthCount = 30;
    public const int MaxCount = DepthCount;

    /// <summary>Writes the five bid and ask levels of <paramref name="tick"/> (a Kite full tick) as a <c>dp|</c> record's values and returns how many.</summary>
    public static int FillDepth(in KiteTick tick, Span<int> values)
    {
        var bids = tick.Bids;
        var asks = tick.Asks;
        for (var level = 0; level < 5; level++)
        {
            var bid = bids[level];
            var ask = asks[level];
            values[(int)FyersDepthField.BidPrice + level] = (int)bid.Price;
            values[(int)FyersDepthField.AskPrice + level] = (int)ask.Price;
            values[(int)FyersDepthField.BidQuantity + level] = (int)bid.Quantity;
            values[(int)FyersDepthField.AskQuantity + level] = (int)ask.Quantity;
            values[(int)FyersDepthField.BidOrders + level] = bid.Orders;
            values[(int)FyersDepthField.AskOrders + level] = ask.Orders;
        }
        return DepthCount;
    }

    /// <summary>Writes the values of <paramref name="tick"/> (a Kite full or index-full tick) and returns how many.</summary>
    public static int Fill(in KiteTick tick, bool isIndex, Span<int> values)
    {
        var close = (long)tick.Close;
        // The walk has no year range or circuit band; fixed bands around the previous close stand in for them.
        var yearHigh = (int)(close * 5 / 4);
        var yearLow = (int)(close * 3 / 4);
        var feedTime = (int)tick.ExchangeTimestampSeconds;
        if (isIndex)
        {
            values[(int)FyersIndexField.LastPrice] = (int)tick.LastPrice;
            values[(int)FyersIndexField.PreviousClose] = (int)tick.Close;
            values[(int)FyersIndexField.ExchangeFeedTime] = feedTime;
            values[(int)FyersIndexField.High] = (int)tick.High;
            values[(int)FyersIndexField.Low] = (int)tick.Low;
            values[(int)FyersIndexField.Open] = (int)tick.Open;
            values[(int)FyersIndexField.YearHigh] = yearHigh;
            values[(int)FyersIndexField.YearLow] = yearLow;
            return IndexCount;
        }
        var bid = tick.Bids[0];
        var ask = tick.Asks[0];
        values[(int)FyersScripField.LastPrice] = (int)tick.LastPrice;
        values[(int)FyersScripField.Volume] = (int)tick.Volume;
        values[(int)FyersScripField.LastTradeTime] = (int)tick.LastTradeTimeSeconds;
        values[(int)FyersScripField.ExchangeFeedTime] = feedTime;
        values[(int)FyersScripField.BidQuantity] = (int)bid.Quantity;
        values[(int)FyersScripField.AskQuantity] = (int)ask.Quantity;
        values[(int)FyersScripField.BidPrice] = (int)bid.Price;
        values[(int)FyersScripField.AskPrice] = (int)ask.Price;
        values[(int)FyersScripField.LastTradedQuantity] = (int)tick.LastQuantity;
        values[(int)FyersScripField.TotalBuyQuantity] = (int)tick.BuyQuantity;
        values[(int)FyersScripField.TotalSellQuantity] = (int)tick.SellQuantity;
        values[(int)FyersScripField.AveragePrice] = (int)tick.AveragePrice;
        values[(int)FyersScripField.OpenInterest] = (int)tick.OpenInterest;
        values[(int)FyersScripField.Low] = (int)tick.Low;
        values[(int)FyersScripField.High] = (int)tick.High;
        values[(int)FyersScripField.YearHigh] = yearHigh;
        values[(int)FyersScripField.YearLow] = yearLow;
        values[(int)FyersScripField.LowerCircuit] = (int)(close * 9 / 10);
        values[(int)FyersScripField.UpperCircuit] = (int)(close * 11 / 10);
        values[(int)FyersScripField.Open] = (int)tick.Open;
        values[(int)FyersScripField.PreviousClose] = (int)tick.Close;
        return ScripCount;
    }
}
