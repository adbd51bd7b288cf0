using TradingHelper.Core.Candles;

namespace TradingHelper.Tests.Candles;

public sealed class CandleIntervalsTests
{
    [Theory]
    [InlineData("1m", CandleInterval.OneMinute)]
    [InlineData("5m", CandleInterval.FiveMinutes)]
    [InlineData("15m", CandleInterval.FifteenMinutes)]
    [InlineData("1h", CandleInterval.OneHour)]
    [InlineData("1d", CandleInterval.OneDay)]
    public void Interval_codes_parse_and_print_back(string code, CandleInterval interval)
    {
        Assert.True(CandleIntervals.TryParse(code, out var parsed));
        Assert.Equal(interval, parsed);
        Assert.Equal(code, interval.ToCode());
    }

    [Theory]
    [InlineData("")]
    [InlineData("1M")]
    [InlineData("60m")]
    [InlineData(null)]
    public void Unknown_interval_codes_are_refused(string? code)
    {
        Assert.False(CandleIntervals.TryParse(code, out _));
        Assert.Throws<FormatException>(() => CandleIntervals.Parse(code ?? "null"));
    }
}
