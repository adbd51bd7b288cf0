using TradingHelper.Core.Brokers.Kite;

namespace TradingHelper.Simulator.Market;

/// <summary>
/// Broker history for the simulated universe: minute candles read off the same <see cref="PricingModel"/> the live ticker
/// streams, so every call agrees and today's candles end where live prices are.
/// </summary>
internal sealed class HistoricalCandles(PricingModel pricing, TradingSession session, int seed)
{
    // Past days have NSE's weekday session, as a broker serves them, whatever the simulator traded then.
    private static readonly TradingSession PastSessions = new(SessionMode.Realistic);

    // A minute's high and low are the extremes of its level at these seconds (and at now, in the minute under way).
    private static readonly int[] SampleSeconds = [0, 20, 40, 60];

    /// <summary>
    /// Candles whose minutes fall in [from, to] and have started by <paramref name="now"/>; the minute under way closes at
    /// now. Past days have the weekday 09:15–15:30 IST session; the day of <paramref name="now"/> has every minute the
    /// simulator traded (all of them around the clock), so today's candles join the live feed.
    /// </summary>
    public List<Candle> Read(SimulatedInstrument instrument, CandleInterval interval, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now)
    {
        var candles = new List<Candle>();
        var divisor = (decimal)KiteInstrumentToken.PriceDivisorOf(instrument.InstrumentToken);
        Bucket? bucket = null;
        var today = TradingSession.DayOf(now);
        for (var day = TradingSession.DayOf(from); day <= TradingSession.DayOf(to); day = day.AddDays(1))
        {
            var hours = day == today ? session : PastSessions;
            var open = hours.OpenOf(day);
            var minutes = hours.MinutesOf(day);
            for (var k = 0; k < minutes; k++)
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
                var start = interval.IsDay ? open.Add(-open.TimeOfDay) : open.AddMinutes(k / interval.Minutes * interval.Minutes);
                if (bucket is { } current && current.Start != start)
                {
                    candles.Add(current.ToCandle(divisor));
                    bucket = null;
                }
                bucket = Merge(bucket, start, instrument, minute, now);
            }
        }
        if (bucket is { } last)
        {
            candles.Add(last.ToCandle(divisor));
        }
        return candles;
    }

    /// <summary>The day of <paramref name="now"/> so far as one candle, or null before its session opened.</summary>
    public Candle? Today(SimulatedInstrument instrument, DateTimeOffset now)
    {
        var day = TradingSession.DayOf(now);
        var candles = Read(instrument, CandleInterval.All["day"], session.OpenOf(day), now, now);
        return candles.Count > 0 && TradingSession.DayOf(candles[^1].Start) == day ? candles[^1] : null;
    }

    /// <summary>The close of the last weekday session before the day of <paramref name="now"/>: the previous close a tick reports, as history shows it.</summary>
    public decimal PreviousClose(SimulatedInstrument instrument, DateTimeOffset now)
    {
        var day = TradingSession.DayOf(now);
        for (var previous = day.AddDays(-1); previous > day.AddDays(-10); previous = previous.AddDays(-1))
        {
            if (PastSessions.IsTradingDay(previous))
            {
                var close = PastSessions.CloseOf(previous);
                return pricing.LastPrice(instrument, close) / (decimal)KiteInstrumentToken.PriceDivisorOf(instrument.InstrumentToken);
            }
        }
        return instrument.BasePrice;
    }

    /// <summary>Contracts traded in one minute (a whole number of lots); indices trade none.</summary>
    public long VolumeOf(SimulatedInstrument instrument, DateTimeOffset minute) =>
        instrument.IsIndex ? 0 : (long)(Noise.Of((ulong)seed, instrument.InstrumentToken, MinuteNumber(minute), 3) % 50 + 1) * instrument.TradeUnit;

    /// <summary>Open interest at a minute: a slow swing of a few thousand lots around twenty thousand.</summary>
    public long OpenInterestAt(SimulatedInstrument instrument, DateTimeOffset minute)
    {
        if (!instrument.HasOpenInterest)
        {
            return 0;
        }
        var m = MinuteNumber(minute);
        return (long)instrument.LotSize * (20_000 + (long)(10_000 * Math.Sin(m / 500.0)) + (long)(Noise.Of((ulong)seed, instrument.InstrumentToken, m, 4) % 100));
    }

    private Bucket Merge(Bucket? bucket, DateTimeOffset start, SimulatedInstrument instrument, DateTimeOffset minute, DateTimeOffset now)
    {
        var end = minute.AddMinutes(1) < now ? minute.AddMinutes(1) : now;
        long open = pricing.LastPrice(instrument, minute), high = open, low = open, close = open;
        foreach (var second in SampleSeconds)
        {
            var at = minute.AddSeconds(second);
            if (at > end)
            {
                at = end;
            }
            close = pricing.LastPrice(instrument, at);
            high = Math.Max(high, close);
            low = Math.Min(low, close);
            if (at == end)
            {
                break;
            }
        }
        // The minute under way has traded only its part so far, so the day's volume keeps rising through it.
        var volume = VolumeOf(instrument, minute) * (end - minute).Ticks / TimeSpan.TicksPerMinute;
        var openInterest = OpenInterestAt(instrument, minute);
        return bucket is { } b
            ? b with { High = Math.Max(b.High, high), Low = Math.Min(b.Low, low), Close = close, Volume = b.Volume + volume, OpenInterest = openInterest }
            : new Bucket(start, open, high, low, close, volume, openInterest);
    }

    private static ulong MinuteNumber(DateTimeOffset minute) => (ulong)(minute.ToUnixTimeSeconds() / 60);

    private readonly record struct Bucket(DateTimeOffset Start, long Open, long High, long Low, long Close, long Volume, long OpenInterest)
    {
        public Candle ToCandle(decimal divisor) => new(Start, Open / divisor, High / divisor, Low / divisor, Close / divisor, Volume, OpenInterest);
    }
}
