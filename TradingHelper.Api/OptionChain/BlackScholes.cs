namespace TradingHelper.Api.OptionChain;

/// <summary>
/// Black–Scholes on the index with no dividend yield: e^{−rτ}·Black-76 on the forward S·e^{rτ}, which is how index
/// futures are carried; the chain's implied volatility and delta.
/// </summary>
public static class BlackScholes
{
    private const double MinVolatility = 1e-4;
    private const double MaxVolatility = 5.0;

    // Numerical Recipes' erfc polynomial in t, highest power first after its leading 0.17087277.
    private static readonly double[] ErfcCoefficients =
        [-0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806, 0.09678418, 0.37409196, 1.00002368, -1.26551223];

    /// <summary>The option's value in rupees.</summary>
    public static double Price(bool isCall, double spot, double strike, double years, double volatility, double rate)
    {
        var discountedStrike = strike * Math.Exp(-rate * years);
        if (years <= 0 || volatility <= 0)
        {
            return Math.Max(0, isCall ? spot - discountedStrike : discountedStrike - spot);
        }
        var (d1, d2) = D(spot, strike, years, volatility, rate);
        return isCall
            ? (spot * CumulativeNormal(d1)) - (discountedStrike * CumulativeNormal(d2))
            : (discountedStrike * CumulativeNormal(-d2)) - (spot * CumulativeNormal(-d1));
    }

    /// <summary>∂V/∂S: N(d1) for a call, N(d1) − 1 for a put.</summary>
    public static double Delta(bool isCall, double spot, double strike, double years, double volatility, double rate)
    {
        var (d1, _) = D(spot, strike, years, volatility, rate);
        return isCall ? CumulativeNormal(d1) : CumulativeNormal(d1) - 1;
    }

    /// <summary>
    /// The volatility at which the model prices the option at <paramref name="price"/>, or null where none does: a price
    /// at or below the discounted intrinsic value, at or above the bound (the spot for a call, the discounted strike for a
    /// put), or no time left. Newton's steps on vega, falling back to halving the bracket when a step leaves it.
    /// </summary>
    public static double? ImpliedVolatility(bool isCall, double price, double spot, double strike, double years, double rate)
    {
        if (years <= 0 || price <= 0 || spot <= 0 || strike <= 0)
        {
            return null;
        }
        var discountedStrike = strike * Math.Exp(-rate * years);
        var intrinsic = Math.Max(0, isCall ? spot - discountedStrike : discountedStrike - spot);
        var bound = isCall ? spot : discountedStrike;
        if (price <= intrinsic || price >= bound)
        {
            return null;
        }
        double low = MinVolatility, high = MaxVolatility;
        if (price < Price(isCall, spot, strike, years, low, rate) || price > Price(isCall, spot, strike, years, high, rate))
        {
            return null;
        }
        var volatility = 0.2;
        for (var i = 0; i < 100; i++)
        {
            var error = Price(isCall, spot, strike, years, volatility, rate) - price;
            if (Math.Abs(error) < 1e-8)
            {
                return volatility;
            }
            if (error > 0)
            {
                high = volatility;
            }
            else
            {
                low = volatility;
            }
            var (d1, _) = D(spot, strike, years, volatility, rate);
            var vega = spot * Math.Sqrt(years) * Math.Exp(-d1 * d1 / 2) / Math.Sqrt(2 * Math.PI);
            var next = vega > 1e-12 ? volatility - (error / vega) : double.NaN;
            volatility = next > low && next < high ? next : (low + high) / 2;
        }
        return volatility;
    }

    private static (double D1, double D2) D(double spot, double strike, double years, double volatility, double rate)
    {
        var deviation = volatility * Math.Sqrt(years);
        var d1 = (Math.Log(spot / strike) + ((rate + (volatility * volatility / 2)) * years)) / deviation;
        return (d1, d1 - deviation);
    }

    /// <summary>The standard normal distribution function, through the complementary error function.</summary>
    public static double CumulativeNormal(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    // Numerical Recipes' erfc (Chebyshev fit, fractional error below 1.2e-7 everywhere): ample for prices on a 0.05 grid.
    private static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1 / (1 + (0.5 * z));
        var poly = 0.17087277;
        foreach (var coefficient in ErfcCoefficients)
        {
            poly = coefficient + (t * poly);
        }
        var r = t * Math.Exp(-(z * z) + poly);
        return x >= 0 ? r : 2 - r;
    }
}
