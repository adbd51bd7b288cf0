using System.Globalization;
using TradingHelper.Core.Market;

namespace TradingHelper.Tests.Market;

public sealed class MarketHoursTests
{
    [Theory]
    // Wednesday afternoon: Wednesday, Tuesday, Monday, Friday and Thursday of the week before.
    [InlineData("2026-11-25T14:00:00+05:30", 5, "2026-11-19T09:15:00+05:30")]
    // Today counts before its session opens too.
    [InlineData("2026-11-25T08:00:00+05:30", 5, "2026-11-19T09:15:00+05:30")]
    [InlineData("2026-11-23T10:00:00+05:30", 1, "2026-11-23T09:15:00+05:30")]
    // A weekend is no trading day: the last five are Monday to Friday.
    [InlineData("2026-11-28T11:00:00+05:30", 5, "2026-11-23T09:15:00+05:30")]
    [InlineData("2026-11-29T23:00:00+05:30", 1, "2026-11-27T09:15:00+05:30")]
    // 20:00 UTC on Tuesday is already Wednesday in India.
    [InlineData("2026-11-24T20:00:00+00:00", 1, "2026-11-25T09:15:00+05:30")]
    public void The_last_trading_days_start_at_the_open_of_the_earliest_NSE_weekday(string now, int days, string open) =>
        Assert.Equal(Time(open), MarketHours.Nse.OpenOfLastTradingDays(Time(now), days));

    [Fact]
    public void Around_the_clock_every_day_trades_from_midnight() =>
        Assert.Equal(Time("2026-11-27T00:00:00+05:30"), MarketHours.AroundTheClock.OpenOfLastTradingDays(Time("2026-11-28T11:00:00+05:30"), 2));

    [Fact]
    public void No_days_is_no_range() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => MarketHours.Nse.OpenOfLastTradingDays(DateTimeOffset.UtcNow, 0));

    private static DateTimeOffset Time(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture);
}
