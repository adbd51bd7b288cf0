using System.Globalization;
using System.Text.Json;
using TradingHelper.Core.Market;
using TradingHelper.Tests.Brokers.Kite.Ticker;
using TradingHelper.Tests.Infrastructure;

namespace TradingHelper.Tests.EndToEnd;

/// <summary>Issue 5: what a new user does with only the Api and its /docs, against the simulator through the real Ingestor.</summary>
public sealed class NewUserWalkThroughTests(TestServers servers)
{
    // Kite's session, which the simulator's history follows: 09:15 to 15:30 IST on weekdays.
    private const int SessionMinutes = 375;

    [Fact]
    public async Task A_new_user_finds_NIFTY_options_subscribes_backfills_a_week_and_reads_five_minute_candles()
    {
        var ct = TestContext.Current.CancellationToken;
        // The user backfills the week by hand below, and the live candles must be built from ticks alone: the history a
        // subscribe fetches by itself (HistoryOnSubscribeTests) would make the minutes before it broker candles.
        await using var rig = await MarketRig.StartAsync(servers, "e2e_new_user",
            apiSettings: new Dictionary<string, string?> { ["Api:Subscriptions:HistoryDays"] = "0" });
        // An instance that already holds an older master (one Kite row) skips its start-up sync, so the options
        // can only arrive through the user's POST /api/instruments/sync.
        await SimulatedInstruments.InsertAsync(rig.Database,
            [new SimulatedInstruments.Row(256265, "NIFTY 50", "NIFTY 50", null, 0, 0, 0, "EQ", "INDICES", "NSE")], ct);
        rig.StartIngestor();
        rig.StartApi();
        using var api = rig.CreateApiClient();
        const string optionsQuery = "/api/instruments?underlying=NIFTY&type=CE,PE&pageSize=500";
        Assert.Equal(0, (await MarketRig.GetJsonAsync(api, optionsQuery)).GetProperty("total").GetInt32());

        // Find: the Ingestor downloads the simulator's instrument master when asked.
        var (sync, syncLocation) = await MarketRig.PostAcceptedAsync(api, "/api/instruments/sync", new { exchanges = new[] { "NSE", "NFO" } });
        Assert.Equal($"/api/instruments/sync/{sync.GetProperty("jobId").GetString()}", syncLocation?.OriginalString);
        var synced = await MarketRig.UntilAsync(() => MarketRig.GetJsonAsync(api, syncLocation!.OriginalString),
            job => job.GetProperty("status").GetString() is not ("queued" or "running"), "the instrument sync job finishes", job => job.ToString());
        Assert.True(synced.GetProperty("status").GetString() == "succeeded" && synced.GetProperty("written").GetInt32() > 0, $"instrument sync: {synced}");
        var options = await MarketRig.GetJsonAsync(api, optionsQuery);
        Assert.True(options.GetProperty("total").GetInt32() > 0, $"the finished sync brought no NIFTY options: {options}");
        var items = options.GetProperty("items").EnumerateArray().ToList();
        Assert.All(items, item =>
        {
            Assert.Equal("NIFTY", item.GetProperty("underlying").GetString());
            Assert.Contains(item.GetProperty("instrumentType").GetString(), new[] { "CE", "PE" });
        });
        // A call and a put of the nearest expiry, and one more strike: what a trader would watch.
        var nearest = items.Min(item => item.GetProperty("expiry").GetString())!;
        var chosen = items.Where(item => item.GetProperty("expiry").GetString() == nearest)
            .OrderBy(item => item.GetProperty("strike").GetDecimal()).ThenBy(item => item.GetProperty("instrumentType").GetString())
            .Take(3).ToList();
        Assert.Equal(3, chosen.Count);
        var tokens = chosen.Select(item => item.GetProperty("token").GetInt32()).ToArray();
        var symbols = chosen.ToDictionary(item => item.GetProperty("token").GetInt32(), item => item.GetProperty("tradingsymbol").GetString());

        // Subscribe: the Ingestor subscribes them at the broker and their ticks reach the user's socket.
        var liveFrom = TimeProvider.System.GetUtcNow();
        var (subscribed, subscribedAt) = await MarketRig.PostAcceptedAsync(api, "/api/instruments/subscribe", new { tokens, mode = "full" });
        Assert.Equal("/api/subscriptions", subscribedAt?.OriginalString);
        Assert.Equal(JsonValueKind.Null, subscribed.GetProperty("history").ValueKind);
        Assert.Equal(tokens.Order(), subscribed.GetProperty("subscriptions").EnumerateArray().Select(s => s.GetProperty("token").GetInt32()).Order());
        using var socket = await rig.ConnectTicksAsync(ct);
        await socket.SubscribeAsync(tokens, ct);
        using (var liveWait = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            // A hang guard: the ticks of every chosen option must come, however slowly the machine runs.
            liveWait.CancelAfter(TimeSpan.FromSeconds(120));
            try
            {
                while (!tokens.All(socket.LatestLtp.ContainsKey))
                {
                    var message = await socket.ReceiveAsync(liveWait.Token);
                    Assert.NotEqual("error", message.GetProperty("type").GetString());
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                Assert.Fail($"No live ticks over /api/ws/ticks for every option within 120 s; saw ticks of [{string.Join(", ", socket.LatestLtp.Keys)}] of [{string.Join(", ", tokens)}]");
            }
        }
        Assert.All(socket.Ticks, tick => Assert.Contains(tick.Token, tokens));
        Assert.All(socket.LatestLtp.Values, ltp => Assert.True(ltp > 0));

        // Backfill the week: the seven whole IST days before today always hold five weekday sessions.
        var today = IstClock.Today(TimeProvider.System.GetUtcNow());
        var weekTo = new DateTimeOffset(today.ToDateTime(TimeOnly.MinValue), IndianMarket.IstOffset);
        var weekFrom = weekTo.AddDays(-7);
        var (backfill, jobLocation) = await MarketRig.PostAcceptedAsync(api, "/api/historical/backfill",
            new { tokens, from = weekFrom, to = weekTo, interval = "5m" });
        var jobId = backfill.GetProperty("jobId").GetString();
        Assert.Equal($"/api/historical/jobs/{jobId}", jobLocation?.OriginalString);
        var job = await MarketRig.UntilAsync(() => MarketRig.GetJsonAsync(api, jobLocation!.OriginalString),
            state => state.GetProperty("status").GetString() is not ("queued" or "running"), "the week's backfill job finishes", state => state.ToString());
        Assert.True(job.GetProperty("status").GetString() == "succeeded", $"backfill job: {job}");
        Assert.Equal(100, job.GetProperty("percent").GetDouble());
        var jobItems = job.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(tokens.Order(), jobItems.Select(item => item.GetProperty("token").GetInt32()).Order());
        Assert.All(jobItems, item =>
        {
            Assert.Equal("succeeded", item.GetProperty("status").GetString());
            Assert.Equal(5 * SessionMinutes, item.GetProperty("candlesWritten").GetInt32());
        });

        // Read 5-minute candles of the week: all from the broker, on 5-minute buckets, 75 per session.
        foreach (var token in tokens)
        {
            var week = await MarketRig.GetJsonAsync(api, $"/api/historical/candles?token={token}&from={Iso(weekFrom)}&to={Iso(weekTo)}&interval=5m");
            var candles = week.GetProperty("candles").EnumerateArray().ToList();
            Assert.True(candles.Count == 5 * SessionMinutes / 5, $"{symbols[token]}: {candles.Count} five-minute candles over the week, expected {5 * SessionMinutes / 5}");
            Assert.Equal(["broker"], week.GetProperty("sources").EnumerateArray().Select(source => source.GetString()));
            Assert.All(candles, candle =>
            {
                var time = candle.GetProperty("time").GetDateTimeOffset();
                Assert.True(time.ToUnixTimeSeconds() % 300 == 0, $"{symbols[token]}: candle at {time:O} is not on a 5-minute bucket");
                Assert.True(time >= weekFrom && time < weekTo, $"{symbols[token]}: candle at {time:O} is outside the week");
                Assert.Equal("broker", candle.GetProperty("source").GetString());
                Assert.True(candle.GetProperty("volume").GetInt64() > 0, $"{symbols[token]}: candle at {time:O} has no volume");
                Assert.True(candle.GetProperty("high").GetDecimal() >= candle.GetProperty("low").GetDecimal());
            });
            Assert.Equal(5, candles.Select(candle => candle.GetProperty("time").GetDateTimeOffset().ToOffset(IndianMarket.IstOffset).Date).Distinct().Count());
        }

        // And watch them live: once the Ingestor's candle refresher ran, the live minutes are candles built from ticks.
        var liveStart = liveFrom.AddMinutes(-1);
        foreach (var token in tokens)
        {
            var live = await MarketRig.UntilAsync(
                () => MarketRig.GetJsonAsync(api, $"/api/historical/candles?token={token}&from={Iso(liveStart)}&interval=5m"),
                series => series.GetProperty("count").GetInt32() > 0, $"{symbols[token]} has a live 5-minute candle", series => series.ToString());
            Assert.All(live.GetProperty("candles").EnumerateArray(), candle =>
            {
                Assert.Equal("ticks", candle.GetProperty("source").GetString());
                Assert.Equal(0, candle.GetProperty("time").GetDateTimeOffset().ToUnixTimeSeconds() % 300);
            });
        }

        // Every route of the walk-through is in the OpenAPI document behind /docs.
        using var document = JsonDocument.Parse(await api.GetStringAsync("/openapi/v1.json", ct));
        var paths = document.RootElement.GetProperty("paths");
        foreach (var (path, method) in new[]
        {
            ("/api/instruments/sync", "post"), ("/api/instruments/sync/{id}", "get"), ("/api/instruments", "get"), ("/api/instruments/subscribe", "post"), ("/api/ws/ticks", "get"),
            ("/api/historical/backfill", "post"), ("/api/historical/jobs/{id}", "get"), ("/api/historical/candles", "get"),
        })
        {
            Assert.True(paths.TryGetProperty(path, out var route) && route.TryGetProperty(method, out _),
                $"{method.ToUpperInvariant()} {path} is not documented; documented: {string.Join(", ", paths.EnumerateObject().Select(p => p.Name))}");
        }
        using var docs = await api.GetAsync("/docs", ct);
        Assert.True(docs.IsSuccessStatusCode, $"/docs: {(int)docs.StatusCode}");
    }

    private static string Iso(DateTimeOffset time) => Uri.EscapeDataString(time.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));
}
