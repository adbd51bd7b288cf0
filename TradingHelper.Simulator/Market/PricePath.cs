namespace TradingHelper.Simulator.Market;

/// <summary>
/// The level of one underlying (an index or a stock) as a pure function of time: a geometric random walk drawn as a sum
/// of sine waves with random phases, one per octave of period from 4 seconds to about a year.
/// </summary>
/// <remarks>
/// A pure function so every reader agrees without shared state: the live ticker, the history endpoints and the
/// instrument master all read the same level at the same instant, so today's candles end where live prices are. With
/// amplitudes growing as the square root of the period the waves add up to Brownian-like moves: over a span Δ the log
/// level moves by about σ·√Δ, whatever the span.
/// </remarks>
internal sealed class PricePath
{
    private const int FirstOctave = 2;
    private const int LastOctave = 25;
    private const double SecondsPerYear = 365.0 * 24 * 60 * 60;

    // Octave-spaced waves with amplitude c·σ·√P sum to increments of variance ≈ 35·c²·σ²·Δ, so c = 1/√35.
    private static readonly double Calibration = 1 / Math.Sqrt(35);

    private readonly double _reference;
    private readonly double[] _frequencies;
    private readonly double[] _amplitudes;
    private readonly double[] _phases;

    /// <param name="seed">The simulator's seed.</param>
    /// <param name="underlying">The underlying's name, so each one walks its own way.</param>
    /// <param name="reference">The level the walk wanders around, in rupees.</param>
    /// <param name="annualVolatility">Standard deviation of a year's log return, e.g. 0.13 for NIFTY 50.</param>
    public PricePath(int seed, string underlying, double reference, double annualVolatility)
    {
        _reference = reference;
        var count = LastOctave - FirstOctave + 1;
        _frequencies = new double[count];
        _amplitudes = new double[count];
        _phases = new double[count];
        var perSecond = annualVolatility / Math.Sqrt(SecondsPerYear);
        var key = Noise.Of(underlying);
        for (var i = 0; i < count; i++)
        {
            // Periods are spread inside their octave so no two underlyings share a visible rhythm.
            var period = Math.Pow(2, FirstOctave + i) * (0.8 + (0.4 * Noise.Unit((ulong)seed, key, (ulong)i, 1)));
            _frequencies[i] = Math.Tau / period;
            _amplitudes[i] = Calibration * perSecond * Math.Sqrt(period) * (0.5 + Noise.Unit((ulong)seed, key, (ulong)i, 2));
            _phases[i] = Math.Tau * Noise.Unit((ulong)seed, key, (ulong)i, 3);
        }
    }

    /// <summary>The underlying's level in rupees at <paramref name="time"/>.</summary>
    public double LevelAt(DateTimeOffset time)
    {
        // Seconds since 2020 keep the sine arguments small enough for millisecond precision.
        var seconds = (time.UtcTicks - Epoch) / (double)TimeSpan.TicksPerSecond;
        var log = 0.0;
        for (var i = 0; i < _frequencies.Length; i++)
        {
            log += _amplitudes[i] * Math.Sin((_frequencies[i] * seconds) + _phases[i]);
        }
        return _reference * Math.Exp(log);
    }

    private static readonly long Epoch = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;
}
