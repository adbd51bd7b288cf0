using Microsoft.Extensions.DependencyInjection;
using TradingHelper.Core.Brokers.Fyers;
using TradingHelper.Core.Market;
using TradingHelper.Ingestor.Brokers.Fyers;
using TradingHelper.Tests.Brokers.Kite.Ticker;
using TradingHelper.Tests.Infrastructure;

namespace TradingHelper.Tests.Brokers.Fyers.Feed;

/// <summary>The Ingestor's Fyers history client against the simulator's <c>/data/history</c>.</summary>
public sealed class FyersHistoryClientTests(TestServers servers)
{
    [Fact]
    public async Task Minute_candles_of_a_past_session_and_daily_candles_over_two_requests_come_back_once_each()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var rig = await StartAsync(FyersTestTokens.Create(FyersTestTokens.SimulatorHsmKey, DateTimeOffset.UtcNow.AddHours(1)));
        var client = rig.Services.GetRequiredService<FyersHistoryClient>();
        var day = IstClock.Today(DateTimeOffset.UtcNow).AddDays(-1);
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            day = day.AddDays(-1);
        }
        var open = new DateTimeOffset(day.ToDateTime(new TimeOnly(9, 15)), IndianMarket.IstOffset);

        var minutes = await client.GetHistoryAsync("NSE:INFY-EQ", "1", open, open.AddMinutes(374), withOpenInterest: false, ct);

        Assert.Equal(375, minutes.Count);
        Assert.Equal(Enumerable.Range(0, 375).Select(k => open.AddMinutes(k)), minutes.Select(candle => candle.Start));
        Assert.All(minutes, candle => Assert.True(candle.Low <= Math.Min(candle.Open, candle.Close) && candle.High >= Math.Max(candle.Open, candle.Close)));

        var to = DateTimeOffset.UtcNow;
        var daily = await client.GetHistoryAsync("NSE:INFY-EQ", "D", to.AddDays(-400), to, withOpenInterest: false, ct);
        Assert.True(daily[^1].Start - daily[0].Start > FyersHistoryRange.DailyMaxSpan, "the range needed two requests");
        Assert.Equal(daily.Select(candle => candle.Start).Distinct().Order(), daily.Select(candle => candle.Start));
    }

    [Theory]
    [InlineData("NSE:NOSUCH-EQ", true, FyersApiErrorKind.InvalidSymbol)]
    [InlineData("NSE:INFY-EQ", false, FyersApiErrorKind.Authentication)]
    public async Task Fyers_errors_surface_with_their_kind(string symbol, bool validKey, FyersApiErrorKind kind)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var rig = await StartAsync(FyersTestTokens.Create(validKey ? FyersTestTokens.SimulatorHsmKey : new string('e', 56), DateTimeOffset.UtcNow.AddHours(1)));
        var client = rig.Services.GetRequiredService<FyersHistoryClient>();
        var to = DateTimeOffset.UtcNow;

        var error = await Assert.ThrowsAsync<FyersApiException>(() => client.GetHistoryAsync(symbol, "5", to.AddDays(-3), to, withOpenInterest: false, ct));

        Assert.Equal(kind, error.Error.Kind);
    }

    [Fact]
    public async Task History_requests_wait_their_turn_under_the_per_minute_limit()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var rig = await StartAsync(FyersTestTokens.Create(FyersTestTokens.SimulatorHsmKey, DateTimeOffset.UtcNow.AddHours(1)), requestsPerMinute: 60);
        var client = rig.Services.GetRequiredService<FyersHistoryClient>();
        var to = DateTimeOffset.UtcNow;
        // Warms the path up; the limiter's one token may be back by the time it returns.
        Assert.NotEmpty(await client.GetHistoryAsync("NSE:INFY-EQ", "1", to.AddMinutes(-10), to, withOpenInterest: false, ct));
        var started = TimeProvider.System.GetTimestamp();

        for (var request = 0; request < 4; request++)
        {
            Assert.NotEmpty(await client.GetHistoryAsync("NSE:INFY-EQ", "1", to.AddMinutes(-10), to, withOpenInterest: false, ct));
        }

        // One a second: of four more, the first may find that token and the second the next refill, but the last two
        // wait a whole second each however the limiter's clock falls; unpaced, the four take milliseconds.
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        Assert.True(elapsed >= TimeSpan.FromSeconds(1.8), $"four history requests at 60 a minute took only {elapsed.TotalMilliseconds:0} ms");
    }

    private async Task<TickerRig> StartAsync(string accessToken, int requestsPerMinute = 180)
    {
        var rig = await TickerRig.StartAsync(servers, "fyers_history", ticksPerSecond: 10, new Dictionary<string, string?>
        {
            ["Broker:Kind"] = "fyers",
            ["Fyers:AccessToken"] = accessToken,
            ["Fyers:HistoryRequestsPerMinute"] = requestsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        rig.Configure("Fyers:ApiBaseUrl", rig.SimulatorUrl.ToString());
        // Nothing to map: the start-up symbol-master sync finds the simulator's files.
        rig.Configure("Fyers:SymbolMasterUrl", new Uri(rig.SimulatorUrl, "/sym_details/").ToString());
        rig.StartIngestor();
        return rig;
    }

}
