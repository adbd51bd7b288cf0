namespace TradingHelper.Simulator.Market;

/// <summary>Black-76: the value of a European option on a forward, which is how NSE's index options are quoted off their futures.</summary>
internal static class Black76
{
    /// <summary>The option's value in rupees: e^{−rτ}·[F·N(d1) − K·N(d2)] for a call, e^{−rτ}·[K·N(−d2) − F·N(−d1)] for a put.</summary>
    /// <remarks>So C − P = e^{−rτ}·(F − K) (put–call parity) and C ≥ e^{−rτ}·(F − K) hold by construction; at expiry it is the payoff.</remarks>
    public static double Price(bool isCall, double forward, double strike, double years, double volatility, double rate)
    {
        if (years <= 0 || volatility <= 0)
        {
            return Math.Max(0, isCall ? forward - strike : strike - forward);
        }
        var discount = Math.Exp(-rate * years);
        var deviation = volatility * Math.Sqrt(years);
        var d1 = (Math.Log(forward / strike) + (deviation * deviation / 2)) / deviation;
        var d2 = d1 - deviation;
        return isCall
            ? discount * ((forward * CumulativeNormal(d1)) - (strike * CumulativeNormal(d2)))
            : discount * ((strike * CumulativeNormal(-d2)) - (forward * CumulativeNormal(-d1)));
    }

    /// <summary>The standard normal distribution function to double precision (Hart, 1968, as given by West, 2005).</summary>
    public static double CumulativeNormal(double x)
    {
        var z = Math.Abs(x);
        double tail;
        if (z > 37)
        {
            tail = 0;
        }
        else
        {
            var e = Math.Exp(-z * z / 2);
            if (z < 7.07106781186547)
            {
                var n = (3.52624965998911E-02 * z) + 0.700383064443688;
                n = (n * z) + 6.37396220353165;
                n = (n * z) + 33.912866078383;
                n = (n * z) + 112.079291497871;
                n = (n * z) + 221.213596169931;
                n = (n * z) + 220.206867912376;
                var d = (8.83883476483184E-02 * z) + 1.75566716318264;
                d = (d * z) + 16.064177579207;
                d = (d * z) + 86.7807322029461;
                d = (d * z) + 296.564248779674;
                d = (d * z) + 637.333633378831;
                d = (d * z) + 793.826512519948;
                d = (d * z) + 440.413735824752;
                tail = e * n / d;
            }
            else
            {
                var d = z + 0.65;
                d = z + (4 / d);
                d = z + (3 / d);
                d = z + (2 / d);
                d = z + (1 / d);
                tail = e / d / 2.506628274631;
            }
        }
        return x > 0 ? 1 - tail : tail;
    }
}
