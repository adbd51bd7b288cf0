using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TradingHelper.Ingestor.Brokers.Fyers;
using TradingHelper.Tests.Api;
using TradingHelper.Tests.Brokers.Kite.Ticker;
using TradingHelper.Tests.Infrastructure;
using TradingHelper.Tests.Observability;

namespace TradingHelper.Tests.Brokers.Fyers.Feed;

/// <summary>
/// Issue #11's "done when", with <c>Broker:Kind=fyers</c> against the simulator: a new user logs in through the Api, syncs,
/// subscribes in every mode, backfills 30 days of one-minute candles without the simulator counting a limit breach, and the
/// order-book dashboard's SQL shows the depth.
/// </summary>
public sealed class FyersWalkthroughTests(TestServers servers)
{
    private const string Secret = "sim_fyers_secret";

    [Fact]
    public async Task A_new_user_logs_in_syncs_subscribes_in_every_mode_backfills_a_month_without_a_breach_and_sees_depth()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var login = await FyersLoginRig.StartAsync(servers, "fyers_walkthrough", Secret, streams: true, ticksPerSecond: 100,
            new Dictionary<string, string?> { ["Backfill:ScanInterval"] = "00:00:01" });
        var rig = login.Rig;
        var browser = login.Browser;

        // Log in: the Api's redirect, Fyers' (the simulator's) login page, the callback.
        using (var callback = await login.LogInAsync())
        {
            Assert.Equal(HttpStatusCode.OK, callback.StatusCode);
        }

        // Sync the symbol master.
        var sync = await SendAsync(browser, "/api/instruments/sync", "{}", ct);
        var syncStatus = await TickerRig.UntilAsync(async () => (await GetAsync(browser, $"/api/instruments/sync/{sync.GetProperty("jobId")}", ct)).GetProperty("status").GetString(),
            status => status is "succeeded" or "failed", "the requested symbol-master sync ends");
        Assert.Equal("succeeded", syncStatus);

        // Subscribe in every mode; the index's full mode asks no depth.
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var symbol in new[] { "NSE:INFY-EQ", "NSE:RELIANCE-EQ", "NSE:TCS-EQ", "NSE:NIFTY50-INDEX" })
        {
            ids[symbol] = await rig.Database.ScalarAsync<int>($"SELECT instrument_id FROM instruments WHERE fyers_symbol = '{symbol}' AND NOT is_expired");
        }
        await SendAsync(browser, "/api/instruments/subscribe", $$"""{"tokens":[{{ids["NSE:INFY-EQ"]}}],"mode":"ltp"}""", ct);
        await SendAsync(browser, "/api/instruments/subscribe", $$"""{"tokens":[{{ids["NSE:RELIANCE-EQ"]}}],"mode":"quote"}""", ct);
        await SendAsync(browser, "/api/instruments/subscribe", $$"""{"tokens":[{{ids["NSE:TCS-EQ"]}},{{ids["NSE:NIFTY50-INDEX"]}}],"mode":"full"}""", ct);
        var full = ids["NSE:TCS-EQ"];
        await TickerRig.UntilAsync(rig.StoredCountsAsync, counts => ids.Values.All(id => counts.GetValueOrDefault(id) > 5), "every mode streams");
        await TickerRig.UntilAsync(() => rig.Database.ScalarAsync<long>($"SELECT count(*) FROM tick_data WHERE instrument_id = {full} AND bid_price IS NOT NULL"),
            books => books > 0, "the full equity's ticks carry its book");
        Assert.Equal(FyersConnectionState.Up, rig.Services.GetRequiredService<FyersFeed>().Connection.State);
        Assert.Equal(0, await rig.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM tick_data WHERE instrument_id IN ({ids["NSE:INFY-EQ"]}, {ids["NSE:RELIANCE-EQ"]}, {ids["NSE:NIFTY50-INDEX"]}) AND bid_price IS NOT NULL"));

        // Backfill a month of one-minute candles.
        var to = DateTimeOffset.UtcNow;
        var from = to.AddDays(-30);
        var backfill = await SendAsync(browser, "/api/historical/backfill", $$"""
            {"tokens":[{{string.Join(',', ids.Values)}}],"from":"{{from.ToString("O", CultureInfo.InvariantCulture)}}","to":"{{to.ToString("O", CultureInfo.InvariantCulture)}}","interval":"1m"}
            """, ct);
        var job = await TickerRig.UntilAsync(() => GetAsync(browser, $"/api/historical/jobs/{backfill.GetProperty("jobId")}", ct),
            view => view.GetProperty("status").GetString() is "succeeded" or "failed", "the month's backfill ends", seconds: 180);
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.True(job.GetProperty("candlesWritten").GetInt64() > 4 * 375 * 15, $"candles written: {job.GetProperty("candlesWritten")}");
        foreach (var id in ids.Values)
        {
            Assert.True(await rig.Database.ScalarAsync<long>($"SELECT count(*) FROM broker_candles WHERE broker = 'fyers' AND instrument_id = {id} AND bucket < '{from.AddDays(2):O}'") > 0,
                $"instrument {id} has candles from the start of the month");
        }
        using (var stats = JsonDocument.Parse(await rig.Simulator.GetStringAsync("/_sim/stats", ct)))
        {
            var history = stats.RootElement.GetProperty("fyers").GetProperty("history");
            Assert.True(history.GetProperty("requests").GetInt64() >= ids.Count);
            Assert.Equal((0L, 0L, 0L), (history.GetProperty("perSecondBreaches").GetInt64(), history.GetProperty("perMinuteBreaches").GetInt64(),
                history.GetProperty("perDayBreaches").GetInt64()));
        }

        // The order-book dashboard shows the depth.
        Assert.True(await OrderBookPanel.BooksShownAsync(rig.Database.DataSource, full, ct) > 0, "the order-book dashboard shows the Fyers depth");
    }

    private static async Task<JsonElement> SendAsync(HttpClient api, string path, string json, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Api-Key", ApiTestContext.ApiKey);
        using var response = await api.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{path}: {(int)response.StatusCode} {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    private static async Task<JsonElement> GetAsync(HttpClient api, string path, CancellationToken ct) =>
        (await api.GetFromJsonAsync<JsonElement>(path, ct)).Clone();
}
