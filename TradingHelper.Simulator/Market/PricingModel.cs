using TradingHelper.Core.Brokers.Kite;
using TradingHelper.Core.Market;

namespace TradingHelper.Simulator.Market;

/// <summary>
/// Fair prices of the simulated universe at any instant: each underlying walks its <see cref="PricePath"/>, a future is
/// the underlying carried at the risk-free rate to its expiry, an option is Black-76 on the forward to its expiry.
/// </summary>
/// <remarks>Every price is a function of the instant alone, so a call never trades under intrinsic value and puts and calls keep parity.</remarks>
internal sealed class PricingModel(int seed)
{
    /// <summary>The continuously compounded rate futures carry and options discount at: about India's T-bill yield.</summary>
    public const double RiskFreeRate = 0.065;

    private const double SecondsPerYear = 365.0 * 24 * 60 * 60;

    // Contracts expire at the close of their expiry day.
    private static readonly TimeSpan ExpiryTime = IndianMarket.SessionClose;

    private readonly Dictionary<string, Underlying> _underlyings = new(StringComparer.Ordinal);

    /// <summary>Adds an underlying: the level it wanders around, how much it moves, and its options' at-the-money volatility.</summary>
    public void Add(string underlying, decimal reference, double annualVolatility, double impliedVolatility) =>
        _underlyings.Add(underlying, new Underlying(new PricePath(seed, underlying, (double)reference, annualVolatility), impliedVolatility));

    /// <summary>The underlying's level in rupees.</summary>
    public double SpotAt(string underlying, DateTimeOffset time) => _underlyings[underlying].Path.LevelAt(time);

    /// <summary>The underlying carried to <paramref name="expiry"/>: S·e^{rτ}.</summary>
    public double ForwardAt(string underlying, DateOnly expiry, DateTimeOffset time) =>
        SpotAt(underlying, time) * Math.Exp(RiskFreeRate * YearsToExpiry(expiry, time));

    /// <summary>The instrument's fair value in rupees, before rounding to its tick.</summary>
    public double FairValue(SimulatedInstrument instrument, DateTimeOffset time)
    {
        var spot = SpotAt(instrument.Underlying, time);
        if (instrument.Expiry is not { } expiry)
        {
            return spot;
        }
        var years = YearsToExpiry(expiry, time);
        var forward = spot * Math.Exp(RiskFreeRate * years);
        return instrument.InstrumentType switch
        {
            "CE" or "PE" => Black76.Price(instrument.InstrumentType == "CE", forward, (double)instrument.Strike, years,
                Volatility(instrument.Underlying, (double)instrument.Strike, forward), RiskFreeRate),
            _ => forward,
        };
    }

    /// <summary>The price on the wire (paise for NSE): the fair value on the instrument's tick grid, never under one tick.</summary>
    public uint LastPrice(SimulatedInstrument instrument, DateTimeOffset time)
    {
        var divisor = KiteInstrumentToken.PriceDivisorOf(instrument.InstrumentToken);
        var tick = (double)(instrument.TickSize * divisor);
        var ticks = Math.Round(FairValue(instrument, time) * divisor / tick, MidpointRounding.AwayFromZero);
        return (uint)(Math.Max(1, ticks) * tick);
    }

    /// <summary>Years from <paramref name="time"/> to 15:30 IST on <paramref name="expiry"/>; zero once it has passed.</summary>
    public static double YearsToExpiry(DateOnly expiry, DateTimeOffset time)
    {
        var expiresAt = new DateTimeOffset(expiry.ToDateTime(TimeOnly.FromTimeSpan(ExpiryTime)), IndianMarket.IstOffset);
        return Math.Max(0, (expiresAt - time).TotalSeconds / SecondsPerYear);
    }

    /// <summary>The implied volatility of a strike: the at-the-money level with a mild index smile (puts below the money dearer).</summary>
    public double Volatility(string underlying, double strike, double forward)
    {
        var moneyness = Math.Log(strike / forward);
        return Math.Max(0.05, _underlyings[underlying].ImpliedVolatility - (0.8 * moneyness) + (6 * moneyness * moneyness));
    }

    private sealed record Underlying(PricePath Path, double ImpliedVolatility);
}
