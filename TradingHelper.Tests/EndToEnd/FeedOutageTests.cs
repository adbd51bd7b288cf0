using System.Globalization;
using System.Text.Json;
using TradingHelper.Tests.Infrastructure;
using TradingHelper.Tests.Simulator;

namespace TradingHelper.Tests.EndToEnd;

/// <summary>Issue 4: outages of the broker feed, over real sockets into the real database, seen through the Api.</summary>
public sealed class FeedOutageTests(TestServers servers)
{
    [Fact]
    public async Task Each_outage_is_a_recorded_gap_whose_candles_were_backfilled()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var rig = await MarketRig.StartKiteAroundTheClockAsync(servers, "e2e_outage");
        // With no Kite instruments yet, the Ingestor syncs the master at start-up.
        rig.StartIngestor();
        rig.StartApi();
        using var api = rig.CreateApiClient();
        var future = await MarketRig.UntilAsync(() => MarketRig.GetJsonAsync(api, "/api/instruments?underlying=NIFTY&type=FUT"),
            page => page.GetProperty("total").GetInt32() > 0, "the start-up sync brings the NIFTY future", page => page.ToString());
        var options = await MarketRig.GetJsonAsync(api, "/api/instruments?underlying=BANKNIFTY&type=CE,PE&pageSize=2");
        var stock = await MarketRig.GetJsonAsync(api, "/api/instruments?exchange=NSE&type=EQ&symbol=INFY&pageSize=1");
        var chosen = future.GetProperty("items").EnumerateArray().Take(1)
            .Concat(options.GetProperty("items").EnumerateArray()).Concat(stock.GetProperty("items").EnumerateArray()).ToList();
        Assert.Equal(4, chosen.Count);
        var kiteTokenOf = chosen.ToDictionary(item => item.GetProperty("token").GetInt32(), item => item.GetProperty("kiteToken").GetInt64());
        var symbolOf = chosen.ToDictionary(item => item.GetProperty("token").GetInt32(), item => item.GetProperty("tradingsymbol").GetString()!);
        var tokens = kiteTokenOf.Keys.Order().ToArray();
        await MarketRig.PostAcceptedAsync(api, "/api/instruments/subscribe", new { tokens, mode = "full" });
        await MarketRig.UntilAsync(rig.StoredCountsAsync, counts => tokens.All(token => counts.GetValueOrDefault(token) > 0),
            "ticks of every subscribed instrument are stored", Describe);

        // A dropped connection, then a silent one the watchdog must notice: each costs the one socket one gap.
        await rig.FaultAsync("close");
        await MarketRig.UntilAsync(() => GapsAsync(api), gaps => gaps.Count == 1 && !gaps[0].GetProperty("open").GetBoolean(),
            "the close is a gap, ended once the socket resubscribed", Describe);
        await rig.FaultAsync("stall", seconds: 7.5);
        // A watchdog that fires late on a loaded machine can split the stall in two gaps; none may stay open.
        await MarketRig.UntilAsync(() => GapsAsync(api), gaps => gaps.Count >= 2 && gaps.All(gap => !gap.GetProperty("open").GetBoolean()),
            "the stall longer than the watchdog is another gap, ended when data flowed again", Describe);

        // Each gap gets a backfill job of its own, run by the Ingestor without anyone asking, and the Api links it.
        var backfilled = await MarketRig.UntilAsync(() => GapsAsync(api),
            gaps => gaps.Count >= 2 && gaps.All(gap => !gap.GetProperty("open").GetBoolean()
                && gap.GetProperty("backfill") is { ValueKind: JsonValueKind.Object } backfill
                && backfill.GetProperty("status").GetString() is not ("queued" or "running")),
            "every gap has a finished backfill job", Describe);
        foreach (var gap in backfilled)
        {
            var backfill = gap.GetProperty("backfill");
            Assert.True(backfill.GetProperty("status").GetString() == "succeeded", $"gap backfill: {gap}");
            Assert.Equal(tokens, gap.GetProperty("instruments").EnumerateArray().Select(instrument => instrument.GetProperty("token").GetInt32()).Order());
            var job = await MarketRig.GetJsonAsync(api, backfill.GetProperty("link").GetString()!);
            Assert.All(job.GetProperty("items").EnumerateArray(), item => Assert.True(item.GetProperty("candlesWritten").GetInt32() > 0, $"gap job item: {item}"));

            // Every minute the gap touched has a broker candle of every instrument, and the Api serves those minutes from it.
            var startedAt = gap.GetProperty("startedAt").GetDateTimeOffset();
            var endedAt = gap.GetProperty("endedAt").GetDateTimeOffset();
            var first = Minute(startedAt);
            var end = Minute(endedAt) == endedAt ? endedAt : Minute(endedAt).AddMinutes(1);
            var minutes = (int)(end - first).TotalMinutes;
            foreach (var token in tokens)
            {
                var rows = await rig.Database.ScalarAsync<long>(
                    $"SELECT count(*) FROM broker_candles WHERE instrument_id = {token} AND bucket >= '{first:O}' AND bucket < '{end:O}'");
                Assert.True(rows == minutes, $"{symbolOf[token]}: {rows} broker candles for the {minutes} minutes of gap {gap}");
                var series = await MarketRig.GetJsonAsync(api, $"/api/historical/candles?token={token}&from={Iso(first)}&to={Iso(end)}&interval=1m");
                var candles = series.GetProperty("candles").EnumerateArray().ToList();
                Assert.True(candles.Count == minutes, $"{symbolOf[token]}: {candles.Count} one-minute candles over gap {gap}: {series}");
                Assert.All(candles, candle => Assert.Equal("broker", candle.GetProperty("source").GetString()));
            }
        }

        // Exactly once: after the Ingestor stopped (storing what was on the wire), every tick sent is a row.
        await rig.StopIngestorAsync();
        var sent = await rig.SentByKiteTokenAsync();
        var stored = await rig.StoredCountsAsync();
        var mismatches = tokens.Where(token => sent.GetValueOrDefault(kiteTokenOf[token]) != stored.GetValueOrDefault(token))
            .Select(token => $"{symbolOf[token]}: sent {sent.GetValueOrDefault(kiteTokenOf[token])}, stored {stored.GetValueOrDefault(token)}").ToList();
        Assert.True(mismatches.Count == 0, $"Ticks sent and stored differ: {string.Join("; ", mismatches)}");
    }

    private static async Task<List<JsonElement>> GapsAsync(HttpClient api) =>
        [.. (await MarketRig.GetJsonAsync(api, "/api/gaps")).GetProperty("items").EnumerateArray().Reverse()];

    private static DateTimeOffset Minute(DateTimeOffset time) => new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

    private static string Iso(DateTimeOffset time) => Uri.EscapeDataString(time.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture));

    private static string Describe<TKey, TValue>(Dictionary<TKey, TValue> counts) where TKey : notnull =>
        string.Join(", ", counts.Select(pair => $"{pair.Key}={pair.Value}"));

    private static string Describe(List<JsonElement> gaps) => $"[{string.Join(", ", gaps)}]";
}
