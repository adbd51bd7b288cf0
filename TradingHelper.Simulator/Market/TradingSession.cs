using TradingHelper.Core.Market;

namespace TradingHelper.Simulator.Market;

/// <summary>The simulated exchange's trading hours: around the clock, or NSE's weekday session (holidays are not modelled).</summary>
internal sealed class TradingSession(SessionMode mode)
{
    private const int SessionMinutes = 375;
    private const int DayMinutes = 24 * 60;

    public SessionMode Mode => mode;

    public static DateOnly DayOf(DateTimeOffset time) => DateOnly.FromDateTime(time.ToOffset(IndianMarket.IstOffset).DateTime);

    public bool IsTradingDay(DateOnly day) => mode == SessionMode.Always || day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);

    /// <summary>The first minute of the day's session: midnight IST around the clock, 09:15 IST otherwise.</summary>
    public DateTimeOffset OpenOf(DateOnly day)
    {
        var midnight = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), IndianMarket.IstOffset);
        return mode == SessionMode.Always ? midnight : midnight + IndianMarket.SessionOpen;
    }

    public int MinutesOf(DateOnly day) => !IsTradingDay(day) ? 0 : mode == SessionMode.Always ? DayMinutes : SessionMinutes;

    public DateTimeOffset CloseOf(DateOnly day) => OpenOf(day).AddMinutes(MinutesOf(day));

    /// <summary>Whether the exchange trades at <paramref name="now"/>: ticks flow only then.</summary>
    public bool IsOpen(DateTimeOffset now)
    {
        var day = DayOf(now);
        return IsTradingDay(day) && now >= OpenOf(day) && now < CloseOf(day);
    }

    /// <summary>The last instant prices moved at or before <paramref name="now"/>: now while open, else the latest session's close.</summary>
    public DateTimeOffset LastTradedAt(DateTimeOffset now)
    {
        if (IsOpen(now))
        {
            return now;
        }
        for (var day = DayOf(now); ; day = day.AddDays(-1))
        {
            if (IsTradingDay(day) && CloseOf(day) <= now)
            {
                return CloseOf(day);
            }
        }
    }
}
