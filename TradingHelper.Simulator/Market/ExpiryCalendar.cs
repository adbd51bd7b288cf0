namespace TradingHelper.Simulator.Market;

/// <summary>Expiry dates of the simulated contracts: weekly on Tuesday, monthly on the month's last Tuesday.</summary>
internal static class ExpiryCalendar
{
    /// <summary>The first Tuesday on or after the trading day.</summary>
    public static DateOnly Weekly(DateOnly today) => today.AddDays(((int)DayOfWeek.Tuesday - (int)today.DayOfWeek + 7) % 7);

    /// <summary>This month's last Tuesday, or next month's once this month's has passed.</summary>
    public static DateOnly Monthly(DateOnly today)
    {
        var expiry = LastTuesdayOf(today.Year, today.Month);
        if (expiry >= today)
        {
            return expiry;
        }
        var next = today.AddMonths(1);
        return LastTuesdayOf(next.Year, next.Month);
    }

    private static DateOnly LastTuesdayOf(int year, int month)
    {
        var last = new DateOnly(year, month, DateTime.DaysInMonth(year, month));
        return last.AddDays(-(((int)last.DayOfWeek - (int)DayOfWeek.Tuesday + 7) % 7));
    }
}
