namespace TradingHelper.Core.Market;

/// <summary>Wall-clock times of the Indian day (fixed +05:30) turned into instants.</summary>
public static class IstClock
{
    /// <summary>The first instant strictly after <paramref name="now"/> at which the IST clock reads <paramref name="timeOfDay"/>.</summary>
    public static DateTimeOffset Next(DateTimeOffset now, TimeSpan timeOfDay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeOfDay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(timeOfDay, TimeSpan.FromDays(1));
        var ist = now.ToOffset(IndianMarket.IstOffset);
        var candidate = new DateTimeOffset(ist.Date + timeOfDay, IndianMarket.IstOffset);
        if (candidate <= now)
        {
            candidate = candidate.AddDays(1);
        }
        return candidate.ToUniversalTime();
    }

    /// <summary>The IST calendar day of an instant.</summary>
    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.ToOffset(IndianMarket.IstOffset).DateTime);
}
