namespace TradingHelper.Tests.OptionChain;

/// <summary>
/// A second, independently written Black–Scholes (no dividends) to check the Api's implied volatility against: the normal
/// distribution by Simpson's rule on the density rather than a rational fit, and the volatility by plain bisection.
/// </summary>
internal static class ReferenceBlackScholes
{
    public static double Price(bool isCall, double spot, double strike, double years, double volatility, double rate)
    {
        var sd = volatility * Math.Sqrt(years);
        var d1 = (Math.Log(spot / strike) + ((rate + (0.5 * volatility * volatility)) * years)) / sd;
        var d2 = d1 - sd;
        var pv = strike * Math.Exp(-rate * years);
        return isCall ? (spot * Normal(d1)) - (pv * Normal(d2)) : (pv * Normal(-d2)) - (spot * Normal(-d1));
    }

    /// <summary>The volatility in [1 %, 300 %] whose price matches, to a hundredth of a vol point.</summary>
    public static double ImpliedVolatility(bool isCall, double price, double spot, double strike, double years, double rate)
    {
        double low = 0.01, high = 3.0;
        while (high - low > 1e-5)
        {
            var mid = (low + high) / 2;
            if (Price(isCall, spot, strike, years, mid, rate) > price)
            {
                high = mid;
            }
            else
            {
                low = mid;
            }
        }
        return (low + high) / 2;
    }

    /// <summary>Φ(x) = ½ + ∫₀ˣ φ(u) du, the integral by composite Simpson's rule on 2,000 panels.</summary>
    public static double Normal(double x)
    {
        const int panels = 2000;
        var h = x / panels;
        var sum = Density(0) + Density(x);
        for (var i = 1; i < panels; i++)
        {
            sum += (i % 2 == 1 ? 4 : 2) * Density(i * h);
        }
        return 0.5 + (sum * h / 3);
    }

    private static double Density(double u) => Math.Exp(-u * u / 2) / Math.Sqrt(2 * Math.PI);
}
