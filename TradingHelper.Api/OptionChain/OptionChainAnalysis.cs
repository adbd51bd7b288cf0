using TradingHelper.Core.Market;

namespace TradingHelper.Api.OptionChain;

/// <summary>Turns an expiry's quotes into the chain a derivatives trader reads: per strike calls and puts with IV and delta, and the chain's totals.</summary>
public static class OptionChainAnalysis
{
    /// <summary>The model the chain states: Black–Scholes on the index level with a continuously compounded rate, no dividends.</summary>
    public const string ModelName = "black-scholes-index";

    private const double SecondsPerYear = 365.0 * 24 * 60 * 60;

    /// <summary>Index options expire at the close of their expiry day.</summary>
    public static DateTimeOffset ExpiresAt(DateOnly expiry) =>
        new(expiry.ToDateTime(TimeOnly.FromTimeSpan(IndianMarket.SessionClose)), IndianMarket.IstOffset);

    /// <summary>Years of 365 days from <paramref name="at"/> to the expiry's close; zero once it has passed.</summary>
    public static double YearsToExpiry(DateOnly expiry, DateTimeOffset at) => Math.Max(0, (ExpiresAt(expiry) - at).TotalSeconds / SecondsPerYear);

    public static OptionChainView Build(
        string underlying, DateOnly expiry, DateTimeOffset at, string source, IReadOnlyList<ChainContract> contracts, ChainSpot? spot, double rate)
    {
        var years = YearsToExpiry(expiry, at);
        var strikes = new List<ChainStrike>();
        long callOi = 0, putOi = 0, callVolume = 0, putVolume = 0;
        foreach (var group in contracts.GroupBy(contract => contract.Strike).OrderBy(group => group.Key))
        {
            ChainOption? call = null, put = null;
            foreach (var contract in group)
            {
                var option = Value(contract, spot?.Price, years, rate);
                if (contract.IsCall)
                {
                    call = option;
                    callOi += option.Oi ?? 0;
                    callVolume += option.Volume ?? 0;
                }
                else
                {
                    put = option;
                    putOi += option.Oi ?? 0;
                    putVolume += option.Volume ?? 0;
                }
            }
            strikes.Add(new ChainStrike(group.Key, call, put));
        }
        var totals = new ChainTotals(
            callOi, putOi, callVolume, putVolume,
            Ratio(putOi, callOi), Ratio(putVolume, callVolume),
            MaxPain(strikes),
            spot?.Price is { } level ? AtTheMoney(strikes, level) : null);
        return new OptionChainView(underlying, expiry, at, source, spot, new ChainModel(ModelName, rate, ExpiresAt(expiry), years), totals, strikes);
    }

    /// <summary>The reading of a price change and an OI change of the same interval; null when either is unchanged or unknown.</summary>
    public static string? BuildUp(decimal? priceChange, long? oiChange) => (Math.Sign(priceChange ?? 0), Math.Sign(oiChange ?? 0)) switch
    {
        (1, 1) => "long build-up",
        (-1, 1) => "short build-up",
        (1, -1) => "short covering",
        (-1, -1) => "long unwinding",
        _ => null,
    };

    /// <summary>The settlement strike at which the chain's OI would collect least intrinsic value; the lower strike on a tie.</summary>
    public static decimal? MaxPain(IReadOnlyList<ChainStrike> strikes)
    {
        decimal? best = null;
        var least = decimal.MaxValue;
        var anyOi = false;
        foreach (var settle in strikes)
        {
            var payout = 0m;
            foreach (var row in strikes)
            {
                payout += (row.Call?.Oi ?? 0) * Math.Max(0, settle.Strike - row.Strike);
                payout += (row.Put?.Oi ?? 0) * Math.Max(0, row.Strike - settle.Strike);
                anyOi |= (row.Call?.Oi ?? 0) > 0 || (row.Put?.Oi ?? 0) > 0;
            }
            if (payout < least)
            {
                least = payout;
                best = settle.Strike;
            }
        }
        return anyOi ? best : null;
    }

    private static ChainOption Value(ChainContract contract, decimal? spot, double years, double rate)
    {
        var quote = contract.Quote;
        var oi = quote?.Oi ?? contract.PreviousOi;
        var oiChange = oi - contract.PreviousOi;
        var priceChange = quote?.LastPrice - contract.PreviousClose;
        double? iv = null, delta = null;
        if (quote is not null && spot is > 0)
        {
            var volatility = BlackScholes.ImpliedVolatility(contract.IsCall, (double)quote.LastPrice, (double)spot.Value, (double)contract.Strike, years, rate);
            if (volatility is { } sigma)
            {
                iv = Math.Round(100 * sigma, 2);
                delta = Math.Round(BlackScholes.Delta(contract.IsCall, (double)spot.Value, (double)contract.Strike, years, sigma, rate), 4);
            }
        }
        return new ChainOption(
            contract.Token, contract.TradingSymbol, contract.LotSize, quote?.Time, quote?.LastPrice, contract.PreviousClose, priceChange,
            oi, contract.PreviousOi, oiChange, quote?.Volume ?? 0, quote?.Bid, quote?.BidQty, quote?.Ask, quote?.AskQty,
            iv, delta, BuildUp(priceChange, oiChange));
    }

    private static decimal? Ratio(long numerator, long denominator) => denominator > 0 ? Math.Round((decimal)numerator / denominator, 4) : null;

    private static decimal? AtTheMoney(IReadOnlyList<ChainStrike> strikes, decimal spot)
    {
        decimal? atm = null;
        foreach (var row in strikes)
        {
            if (atm is null || Math.Abs(row.Strike - spot) < Math.Abs(atm.Value - spot))
            {
                atm = row.Strike;
            }
        }
        return atm;
    }
}
