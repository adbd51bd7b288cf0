using Microsoft.Extensions.Options;
using TradingHelper.Core.Market;

namespace TradingHelper.Simulator.Market;

/// <summary>Broker history for the simulated universe: minute candles that are a pure function of seed, token and minute, so every call agrees.</summary>
internal sealed class HistoricalCandles(IOptions<SimulatorOptions> options)
{
    private const int SessionMinutes = 375;
    private const int DayMinutes = 24 * 60;
    private readonly ulong _seed = (ulong)options.Value.Seed;
    private readonly bool _alwaysOpen = options.Value.AlwaysOpen;

    /// <summary>
    /// Candles whose minutes fall in [from, to] (IST session minutes on weekdays, or every minute when
    /// <see cref="SimulatorOptions.AlwaysOpen"/>) and have started by <paramref name="now"/>.
    /// </summary>
    public List<Candle> Read(SimulatedInstrument instrument, CandleInterval interval, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now)
    {
        var candles = new List<Candle>();
        var firstDay = DateOnly.FromDateTime(from.ToOffset(IndianMarket.IstOffset).DateTime);
        var lastDay = DateOnly.FromDateTime(to.ToOffset(IndianMarket.IstOffset).DateTime);
        Bucket? bucket = null;
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            if (!_alwaysOpen && day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                continue;
            }
            var midnight = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), IndianMarket.IstOffset);
            var open = _alwaysOpen ? midnight : midnight + IndianMarket.SessionOpen;
            for (var k = 0; k < (_alwaysOpen ? DayMinutes : SessionMinutes); k++)
            {
                var minute = open.AddMinutes(k);
                if (minute >= now)
                {
                    break;
                }
                if (!interval.IsDay && (minute < from || minute > to))
                {
                    continue;
                }
                var start = interval.IsDay ? midnight : open.AddMinutes(k / interval.Minutes * interval.Minutes);
                if (bucket is { } current && current.Start != start)
                {
                    candles.Add(current.ToCandle());
                    bucket = null;
                }
                bucket = Merge(bucket, start, instrument, minute);
            }
        }
        if (bucket is { } last)
        {
            candles.Add(last.ToCandle());
        }
        return candles;
    }

    private Bucket Merge(Bucket? bucket, DateTimeOffset start, SimulatedInstrument instrument, DateTimeOffset minute)
    {
        var m = minute.ToUnixTimeSeconds() / 60;
        var tick = (long)(instrument.TickSize * 100);
        var open = PriceAt(instrument, m);
        var close = PriceAt(instrument, m + 1);
        var high = Math.Max(open, close) + ((long)(Noise(instrument, m, 1) % 3) * tick);
        var low = Math.Max(tick, Math.Min(open, close) - ((long)(Noise(instrument, m, 2) % 3) * tick));
        var volume = instrument.IsIndex ? 0 : (long)(Noise(instrument, m, 3) % 50 + 1) * instrument.TradeUnit;
        var openInterest = instrument.HasOpenInterest
            ? (long)instrument.LotSize * (20_000 + (long)(10_000 * Math.Sin(m / 500.0)) + (long)(Noise(instrument, m, 4) % 100))
            : 0;
        return bucket is { } b
            ? b with { High = Math.Max(b.High, high), Low = Math.Min(b.Low, low), Close = close, Volume = b.Volume + volume, OpenInterest = openInterest }
            : new Bucket(start, open, high, low, close, volume, openInterest);
    }

    // Two slow waves and a little noise, on the tick grid, in paise.
    private long PriceAt(SimulatedInstrument instrument, long minute)
    {
        var phase = (Noise(instrument, 0, 5) % 1000) / 1000.0 * Math.Tau;
        var wave = (0.04 * Math.Sin((minute / 7500.0 * Math.Tau) + phase)) + (0.01 * Math.Sin((minute / 97.0 * Math.Tau) + phase));
        var tick = (long)(instrument.TickSize * 100);
        var noise = ((long)(Noise(instrument, minute, 6) % 7) - 3) * tick;
        var price = (long)((double)instrument.BasePrice * 100 * (1 + wave)) + noise;
        return Math.Max(tick, price / tick * tick);
    }

    private ulong Noise(SimulatedInstrument instrument, long minute, ulong stream)
    {
        // SplitMix64: cheap, stateless and well mixed, so any minute can be computed on its own.
        var z = _seed ^ ((ulong)instrument.InstrumentToken << 20) ^ ((ulong)minute * 0x9E3779B97F4A7C15UL) ^ (stream * 0xD1B54A32D192ED03UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private readonly record struct Bucket(DateTimeOffset Start, long Open, long High, long Low, long Close, long Volume, long OpenInterest)
    {
        public Candle ToCandle() => new(Start, Open / 100m, High / 100m, Low / 100m, Close / 100m, Volume, OpenInterest);
    }
}
