using System.Text.Json;
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
    public async Task Health_shows_the_history_budget_left_after_a_request()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var rig = await StartAsync(FyersTestTokens.Create(FyersTestTokens.SimulatorHsmKey, DateTimeOffset.UtcNow.AddHours(1)));
        var client = rig.Services.GetRequiredService<FyersHistoryClient>();
        var to = DateTimeOffset.UtcNow;

        Assert.NotEmpty(await client.GetHistoryAsync("NSE:INFY-EQ", "1", to.AddMinutes(-10), to, withOpenInterest: false, ct));

        using var http = rig.CreateIngestorClient();
        using var health = JsonDocument.Parse(await http.GetStringAsync("/health", ct));
        var entry = health.RootElement.GetProperty("checks").GetProperty("fyers-history");
        Assert.Equal("Healthy", entry.GetProperty("status").GetString());
        Assert.Equal("99999", entry.GetProperty("data").GetProperty("remainingToday").ToString());
        Assert.Equal("199", entry.GetProperty("data").GetProperty("remainingThisMinute").ToString());
    }

    [Theory]
    [InlineData(3, 2, true)]
    [InlineData(3, 3, false)]
    [InlineData(1, 1, false)]
    public async Task A_429_is_tried_again_after_the_delay_until_the_attempts_run_out_and_only_by_the_client(int maxAttempts, int refusals, bool succeeds)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var rig = await StartAsync(FyersTestTokens.Create(FyersTestTokens.SimulatorHsmKey, DateTimeOffset.UtcNow.AddHours(1)), maxAttempts);
        var client = rig.Services.GetRequiredService<FyersHistoryClient>();
        var to = DateTimeOffset.UtcNow;
        var before = await HistoryRequestsAsync(rig, ct);
        await rig.FaultAsync("history-429", count: refusals);

        if (succeeds)
        {
            Assert.NotEmpty(await client.GetHistoryAsync("NSE:INFY-EQ", "1", to.AddMinutes(-10), to, withOpenInterest: false, ct));
        }
        else
        {
            var error = await Assert.ThrowsAsync<FyersApiException>(() => client.GetHistoryAsync("NSE:INFY-EQ", "1", to.AddMinutes(-10), to, withOpenInterest: false, ct));
            Assert.Equal(FyersApiErrorKind.RateLimited, error.Error.Kind);
        }

        // The shared resilience handler would have retried at once on top of these, and hidden the single refusal.
        Assert.Equal(succeeds ? refusals + 1 : maxAttempts, await HistoryRequestsAsync(rig, ct) - before);
    }

    [Theory]
    [InlineData("Fyers:HistoryMaxAttempts", "0")]
    [InlineData("Fyers:HistoryMaxAttempts", "11")]
    [InlineData("Fyers:HistoryRetryDelay", "00:00:00")]
    public async Task A_retry_setting_out_of_range_stops_the_ingestor_at_start(string key, string value)
    {
        await using var rig = await TickerRig.StartAsync(servers, "fyers_history_options", ticksPerSecond: 10, new Dictionary<string, string?>
        {
            ["Broker:Kind"] = "fyers",
            [key] = value,
        });

        var error = Record.Exception(rig.StartIngestor);

        Assert.NotNull(error);
        Assert.Contains(key.Split(':')[1], error.ToString(), StringComparison.Ordinal);
    }

    private static async Task<long> HistoryRequestsAsync(TickerRig rig, CancellationToken ct)
    {
        using var stats = JsonDocument.Parse(await rig.Simulator.GetStringAsync("/_sim/stats", ct));
        return stats.RootElement.GetProperty("fyers").GetProperty("history").GetProperty("requests").GetInt64();
    }

    private async Task<TickerRig> StartAsync(string accessToken, int maxAttempts = 3)
    {
        var rig = await TickerRig.StartAsync(servers, "fyers_history", ticksPerSecond: 10, new Dictionary<string, string?>
        {
            ["Broker:Kind"] = "fyers",
            ["Fyers:AccessToken"] = accessToken,
            ["Fyers:HistoryRetryDelay"] = "00:00:00.100",
            ["Fyers:HistoryMaxAttempts"] = maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        rig.Configure("Fyers:ApiBaseUrl", rig.SimulatorUrl.ToString());
        // Nothing to map: the start-up symbol-master sync finds the simulator's files.
        rig.Configure("Fyers:SymbolMasterUrl", new Uri(rig.SimulatorUrl, "/sym_details/").ToString());
        rig.StartIngestor();
        return rig;
    }

}
