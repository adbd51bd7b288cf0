extern alias simulator;

using simulator::TradingHelper.Simulator.Market;

namespace TradingHelper.Tests.Simulator;

public sealed class ExpiryCalendarTests
{
    [Theory]
    [InlineData("2026-11-25", "2026-12-01")]
    [InlineData("2026-12-01", "2026-12-01")]
    [InlineData("2026-12-02", "2026-12-08")]
    public void Weekly_expiry_is_the_next_tuesday_or_today(string today, string expiry) =>
        Assert.Equal(DateOnly.Parse(expiry, System.Globalization.CultureInfo.InvariantCulture), ExpiryCalendar.Weekly(DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("2026-11-02", "2026-11-24")]
    [InlineData("2026-11-24", "2026-11-24")]
    [InlineData("2026-11-25", "2026-12-29")]
    [InlineData("2026-12-30", "2027-01-26")]
    public void Monthly_expiry_is_the_last_tuesday_until_it_passes(string today, string expiry) =>
        Assert.Equal(DateOnly.Parse(expiry, System.Globalization.CultureInfo.InvariantCulture), ExpiryCalendar.Monthly(DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture)));
}
