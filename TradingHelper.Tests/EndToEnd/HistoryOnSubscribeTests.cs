using System.Globalization;
using System.Text.Json;
using TradingHelper.Core.Market;
using TradingHelper.Tests.Infrastructure;

namespace TradingHelper.Tests.EndToEnd;

/// <summary>Issue 14: a subscription brings its recent minute history from the broker, so a chart has context from the first minute.</summary>
public sealed class HistoryOnSubscribeTests(TestServers servers)
{
    // Past days keep NSE's weekday session in the simulator's history: 09:15 to 15:30 IST.
    private const int SessionMinutes = 375;

    [Fact]
    public async Task Subscribing_backfills_the_last_five_trading_days_of_broker_minutes_once()
    {
        await using var rig = await MarketRig.StartAsync(servers, "e2e_history");
        // With no Kite instruments yet, the Ingestor syncs the master at start-up.
        rig.StartIngestor();
        rig.StartApi();
        using var api = rig.CreateApiClient();
        var futures = await MarketRig.UntilAsync(() => MarketRig.GetJsonAsync(api, "/api/instruments?underlying=NIFTY&type=FUT&pageSize=1"),
            page => page.GetProperty("total").GetInt32() > 0, "the start-up sync brings the NIFTY future", page => page.ToString());
        var token = futures.GetProperty("items")[0].GetProperty("token").GetInt32();

        var (subscribed, _) = await MarketRig.PostAcceptedAsync(api, "/api/instruments/subscribe", new { tokens = new[] { token }, mode = "full" });

        var history = subscribed.GetProperty("history");
        Assert.Equal([token], history.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()));
        var from = history.GetProperty("from").GetDateTimeOffset();
        var to = history.GetProperty("to").GetDateTimeOffset();
        var job = await MarketRig.UntilAsync(() => MarketRig.GetJsonAsync(api, history.GetProperty("link").GetString()!),
            state => state.GetProperty("status").GetString() is not ("queued" or "running"), "the history job finishes", state => state.ToString());
        Assert.True(job.GetProperty("status").GetString() == "succeeded", $"history job: {job}");
        Assert.Equal(100, job.GetProperty("percent").GetDouble());

        // Every past trading day of the five has its whole session of broker minutes, served by the Api.
        var today = IstClock.Today(to);
        var pastDays = new List<DateOnly>();
        for (var day = IstClock.Today(from); day < today; day = day.AddDays(1))
        {
            if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                pastDays.Add(day);
            }
        }
        Assert.Equal(today.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 5 : 4, pastDays.Count);
        Assert.Equal(new DateTimeOffset(pastDays[0].ToDateTime(new TimeOnly(9, 15)), IndianMarket.IstOffset), from);
        foreach (var day in pastDays)
        {
            var open = new DateTimeOffset(day.ToDateTime(new TimeOnly(9, 15)), IndianMarket.IstOffset);
            var session = await MarketRig.GetJsonAsync(api, $"/api/historical/candles?token={token}&from={Iso(open)}&to={Iso(open.AddMinutes(SessionMinutes))}&interval=1m");
            var candles = session.GetProperty("candles").EnumerateArray().ToList();
            Assert.True(candles.Count == SessionMinutes, $"{day}: {candles.Count} one-minute candles, expected {SessionMinutes}");
            Assert.Equal(Enumerable.Range(0, SessionMinutes).Select(minute => open.AddMinutes(minute)), candles.Select(candle => candle.GetProperty("time").GetDateTimeOffset()));
            Assert.All(candles, candle => Assert.Equal("broker", candle.GetProperty("source").GetString()));
        }
        // Today (the simulator trades around the clock) up to the minute of the subscription, which is left to ticks.
        var midnight = new DateTimeOffset(today.ToDateTime(TimeOnly.MinValue), IndianMarket.IstOffset);
        var todayMinutes = (int)(to - (from > midnight ? from : midnight)).TotalMinutes;
        Assert.Equal(0, await rig.Database.ScalarAsync<long>($"SELECT count(*) FROM broker_candles WHERE instrument_id = {token} AND bucket >= '{to:O}'"));
        var stored = await rig.Database.ScalarAsync<long>($"SELECT count(*) FROM broker_candles WHERE instrument_id = {token}");
        Assert.Equal(pastDays.Count * SessionMinutes + todayMinutes, stored);
        Assert.Equal(stored, job.GetProperty("candlesWritten").GetInt64());

        // Subscribing it again starts no second job.
        var (again, _) = await MarketRig.PostAcceptedAsync(api, "/api/instruments/subscribe", new { tokens = new[] { token }, mode = "full" });
        Assert.Equal(JsonValueKind.Null, again.GetProperty("history").ValueKind);
        Assert.Equal(1, await rig.Database.ScalarAsync<long>("SELECT count(*) FROM backfill_jobs"));
    }

    private static string Iso(DateTimeOffset time) => Uri.EscapeDataString(time.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));
}
