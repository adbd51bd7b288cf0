namespace TradingHelper.Core.Market;

/// <summary>
/// When a market trades: NSE's continuous session (09:15–15:30 IST, Monday to Friday; exchange holidays are not
/// known here, so they count as trading days), or around the clock, as the simulator's default market does.
/// </summary>
public sealed class MarketHours
{
    public static readonly MarketHours Nse = new(aroundTheClock: false);

    public static readonly MarketHours AroundTheClock = new(aroundTheClock: true);

    private readonly bool _aroundTheClock;

    private MarketHours(bool aroundTheClock) => _aroundTheClock = aroundTheClock;

    /// <summary>True for the simulator's market that never closes; such a market has no session boundaries.</summary>
    public bool IsAroundTheClock => _aroundTheClock;

    /// <summary>
    /// The hours a <c>Broker:MarketHours</c> setting names, the one rule the Ingestor and the Api share: <c>nse</c>,
    /// <c>always</c>, or <c>auto</c> (around the clock for the simulator, NSE's session for a broker).
    /// </summary>
    public static MarketHours Resolve(string setting, string brokerKind) => setting switch
    {
        "always" => AroundTheClock,
        "nse" => Nse,
        _ => brokerKind == "simulator" ? AroundTheClock : Nse,
    };

    /// <summary>Whether the market trades at <paramref name="now"/>, why not, and the session in force or the next one.</summary>
    public MarketSession SessionAt(DateTimeOffset now)
    {
        if (_aroundTheClock)
        {
            return new MarketSession(IsOpen: true, Closure: null, OpensAt: null, ClosesAt: null);
        }
        var day = now.ToOffset(IndianMarket.IstOffset).Date;
        var open = new DateTimeOffset(day + IndianMarket.SessionOpen, IndianMarket.IstOffset);
        var close = new DateTimeOffset(day + IndianMarket.SessionClose, IndianMarket.IstOffset);
        MarketClosure closure;
        if (!IsTradingDay(day))
        {
            closure = MarketClosure.Weekend;
        }
        else if (now < open)
        {
            closure = MarketClosure.BeforeOpen;
        }
        else if (now < close)
        {
            return new MarketSession(IsOpen: true, Closure: null, open, close);
        }
        else
        {
            closure = MarketClosure.AfterClose;
        }
        var next = FirstTradingInstantAtOrAfter(now);
        return new MarketSession(IsOpen: false, closure, next, new DateTimeOffset(next.Date + IndianMarket.SessionClose, IndianMarket.IstOffset));
    }

    /// <summary>
    /// [from, to) narrowed to start at the first trading instant at or after <paramref name="from"/> and end at the
    /// last session close or instant before <paramref name="to"/>; null when no trading time lies in it. Closed
    /// stretches inside the result (nights, weekends) stay in it: brokers return no candles for them.
    /// </summary>
    public (DateTimeOffset From, DateTimeOffset To)? Clip(DateTimeOffset from, DateTimeOffset to)
    {
        if (_aroundTheClock)
        {
            return from < to ? (from, to) : null;
        }
        var start = FirstTradingInstantAtOrAfter(from);
        var end = LastTradingEndAtOrBefore(to);
        return start < end ? (start.ToUniversalTime(), end.ToUniversalTime()) : null;
    }

    /// <summary>
    /// The open of the earliest of the last <paramref name="days"/> trading days up to the IST day of
    /// <paramref name="now"/>, which counts when it is a trading day, open yet or not: 09:15 IST for NSE, midnight IST
    /// around the clock.
    /// </summary>
    public DateTimeOffset OpenOfLastTradingDays(DateTimeOffset now, int days)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        var day = now.ToOffset(IndianMarket.IstOffset).Date;
        for (var counted = 0; ; day = day.AddDays(-1))
        {
            if ((_aroundTheClock || IsTradingDay(day)) && ++counted == days)
            {
                break;
            }
        }
        return new DateTimeOffset(day + (_aroundTheClock ? TimeSpan.Zero : IndianMarket.SessionOpen), IndianMarket.IstOffset).ToUniversalTime();
    }

    private static DateTimeOffset FirstTradingInstantAtOrAfter(DateTimeOffset instant)
    {
        for (var day = instant.ToOffset(IndianMarket.IstOffset).Date; ; day = day.AddDays(1))
        {
            if (!IsTradingDay(day))
            {
                continue;
            }
            var open = new DateTimeOffset(day + IndianMarket.SessionOpen, IndianMarket.IstOffset);
            if (instant < open)
            {
                return open;
            }
            if (instant < new DateTimeOffset(day + IndianMarket.SessionClose, IndianMarket.IstOffset))
            {
                return instant;
            }
        }
    }

    private static DateTimeOffset LastTradingEndAtOrBefore(DateTimeOffset instant)
    {
        for (var day = instant.ToOffset(IndianMarket.IstOffset).Date; ; day = day.AddDays(-1))
        {
            if (!IsTradingDay(day))
            {
                continue;
            }
            var close = new DateTimeOffset(day + IndianMarket.SessionClose, IndianMarket.IstOffset);
            if (instant >= close)
            {
                return close;
            }
            if (instant > new DateTimeOffset(day + IndianMarket.SessionOpen, IndianMarket.IstOffset))
            {
                return instant;
            }
        }
    }

    private static bool IsTradingDay(DateTime istDate) => istDate.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
}
