using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using Npgsql;
using NpgsqlTypes;
using TradingHelper.Api.Quotes;
using TradingHelper.Core.Streaming;
using TradingHelper.Tests.Candles;

namespace TradingHelper.Tests.Api;

/// <summary>
/// The watchlist with 500 instruments and a burst of ticks in a real headless Chromium: it must keep up without
/// freezing the page. Long tasks and frame times are measured and printed, never asserted.
/// </summary>
public sealed class WatchlistLoadTests(MarketApiContext context) : IClassFixture<MarketApiContext>
{
    private const int Instruments = 500;
    private const int Batches = 20;
    private static readonly DateTimeOffset SessionStart = TickTape.At("2026-01-05 09:15:00");

    // Long tasks (main-thread work over 50 ms) and every animation frame, from the first script on.
    private const string Probe =
        """
        window.__perf = { longTasks: [], frames: [] };
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) window.__perf.longTasks.push({ start: entry.startTime, duration: entry.duration });
        }).observe({ type: 'longtask', buffered: true });
        requestAnimationFrame(function frame(time) { window.__perf.frames.push(time); requestAnimationFrame(frame); });
        """;

    // Long tasks and frame intervals inside [from, to] of performance.now().
    private const string Window =
        """
        ([from, to]) => {
          const tasks = window.__perf.longTasks.filter((t) => t.start + t.duration >= from && t.start <= to);
          const frames = window.__perf.frames.filter((t) => t >= from && t <= to);
          const gaps = frames.slice(1).map((t, i) => t - frames[i]).sort((a, b) => a - b);
          return {
            ms: to - from, longTasks: tasks.length, longTaskMs: tasks.reduce((sum, t) => sum + t.duration, 0),
            longestTaskMs: Math.max(0, ...tasks.map((t) => t.duration)), frames: frames.length,
            frameP50Ms: gaps.length ? gaps[Math.floor(gaps.length * 0.5)] : 0, frameP95Ms: gaps.length ? gaps[Math.floor(gaps.length * 0.95)] : 0,
            frameMaxMs: gaps.length ? gaps[gaps.length - 1] : 0,
          };
        }
        """;

    [Fact(Timeout = 300_000)]
    public async Task Five_hundred_instruments_and_a_burst_of_ticks_keep_the_page_responsive()
    {
        Assert.SkipUnless(HeadlessChromium.IsInstalled, HeadlessChromium.MissingReason);
        var tokens = await SeedAsync();
        var api = context.Start();
        var publisher = new LiveTickPublisher(context.Redis, Options.Create(new LiveTickOptions { Channel = api.TickChannel, QuotesKey = api.QuotesKey }));
        await using var browser = await BrowserSession.StartAsync(api, Probe);
        var page = browser.Page;

        await browser.GotoAsync($"/chart?token={tokens[0]}");
        await browser.WaitForAsync(
            "window.__watchlist.ready && window.__watchlist.pending === 0 && window.__chart.status === 'connected' && (window.__perf.readyAt = performance.now())");
        Assert.Equal(Instruments, await page.EvaluateAsync<int>("() => window.__watchlist.count"));
        // Every row shows its day from the candle store: a full session's volume and the change from Friday's close.
        Assert.All(await page.EvaluateAsync<string[]>("() => window.__watchlist.tokens.map((t) => window.__watchlist.row(t).text.volume)"), volume => Assert.Equal("375", volume));
        var load = await page.EvaluateAsync<JsonElement>($"() => ({Window})([0, window.__perf.readyAt])");
        var quotesMs = await page.EvaluateAsync<double[]>(
            "() => performance.getEntriesByType('resource').filter((r) => r.name.includes('/api/quotes')).map((r) => r.duration)");

        var start = await page.EvaluateAsync<double>("() => performance.now()");
        for (var batch = 1; batch <= Batches; batch++)
        {
            var time = SessionStart.AddHours(1).AddSeconds(batch);
            var price = batch == Batches ? 200m : 100m + batch;
            await publisher.PublishAsync(tokens.Select(token => new LiveTick(token, time, price, 375 + batch * 10, 1000 + batch, price, price, 1, 1, price, 1)).ToArray());
        }
        await browser.WaitForAsync(
            "window.__watchlist.pending === 0 && window.__watchlist.tokens.every((t) => window.__watchlist.row(t).text.last === '200.00') && (window.__perf.doneAt = performance.now())");
        var burst = await page.EvaluateAsync<JsonElement>($"([from]) => ({Window})([from, window.__perf.doneAt])", new object[] { start });
        var watchlist = await page.EvaluateAsync<JsonElement>(
            "() => ({ ticksApplied: window.__watchlist.ticksApplied, frames: window.__watchlist.frames, cellWrites: window.__watchlist.cellWrites })");

        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Watchlist of {Instruments} instruments, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}:"));
        output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  page load to ready: {Describe(load)}; GET /api/quotes for {Instruments}: {string.Join(", ", quotesMs.Select(ms => ms.ToString("0", CultureInfo.InvariantCulture)))} ms"));
        output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  burst of {Batches} x {Instruments} ticks until every row shows the last: {Describe(burst)}; watchlist {watchlist}"));
        output?.WriteLine($"  GET /api/quotes SQL for {Instruments} instruments, server-side (EXPLAIN ANALYZE): {string.Join(", ", await ExplainQuotesAsync(tokens))} ms");
        Assert.Equal("+100.00%", await page.EvaluateAsync<string>($"() => window.__watchlist.row({tokens[^1]}).text.change"));
        Assert.Empty(browser.Errors);
    }

    private async Task<string[]> ExplainQuotesAsync(int[] tokens)
    {
        var times = new string[3];
        for (var run = 0; run < times.Length; run++)
        {
            await using var command = context.Database.DataSource.CreateCommand($"EXPLAIN (ANALYZE, FORMAT JSON) {DayQuoteStore.Sql}");
            command.Parameters.Add(new NpgsqlParameter { Value = tokens, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
            using var plan = JsonDocument.Parse((string)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!);
            times[run] = plan.RootElement[0].GetProperty("Execution Time").GetDouble().ToString("0", CultureInfo.InvariantCulture);
        }
        return times;
    }

    private static string Describe(JsonElement window) => string.Create(CultureInfo.InvariantCulture,
        $"{window.GetProperty("ms").GetDouble():0} ms, {window.GetProperty("longTasks").GetInt32()} long tasks " +
        $"({window.GetProperty("longTaskMs").GetDouble():0} ms in all, longest {window.GetProperty("longestTaskMs").GetDouble():0} ms), " +
        $"{window.GetProperty("frames").GetInt32()} frames (interval p50 {window.GetProperty("frameP50Ms").GetDouble():0.0} ms, " +
        $"p95 {window.GetProperty("frameP95Ms").GetDouble():0.0} ms, max {window.GetProperty("frameMaxMs").GetDouble():0.0} ms)");

    // 500 option contracts, each with Friday's last minute at 100 and Monday's whole session (375 minutes, one lot a minute).
    private async Task<int[]> SeedAsync()
    {
        var database = context.Database;
        await database.ExecuteAsync(string.Create(CultureInfo.InvariantCulture,
            $"""
            INSERT INTO instruments (exchange, tradingsymbol, name, segment, instrument_type, underlying, expiry, strike, tick_size, lot_size, kite_token)
            SELECT 'NFO', 'LOAD' || n || 'CE', 'LOAD', 'NFO-OPT', 'CE', 'LOAD', DATE '2026-12-29', 1000 + n, 0.05, 75, 500000 + n
            FROM generate_series(1, {Instruments}) AS n;
            INSERT INTO tick_data (time, instrument_id, last_price, volume, oi, exchange_time, received_at)
            SELECT t, i.instrument_id, 100, 0, 1000, t, t
            FROM instruments i, (VALUES (TIMESTAMPTZ '{SessionStart.AddDays(-3).AddHours(6).AddMinutes(14):O}')) AS friday(t)
            WHERE i.underlying = 'LOAD';
            INSERT INTO tick_data (time, instrument_id, last_price, volume, oi, exchange_time, received_at)
            SELECT t, i.instrument_id, 100 + m % 7, m + 1, 1000, t, t
            FROM instruments i, generate_series(0, 374) AS m, LATERAL (SELECT TIMESTAMPTZ '{SessionStart:O}' + m * INTERVAL '1 minute' + INTERVAL '5 seconds' AS t) minute
            WHERE i.underlying = 'LOAD';
            INSERT INTO subscriptions (instrument_id, mode, active, updated_at)
            SELECT instrument_id, 'full', true, now() FROM instruments WHERE underlying = 'LOAD';
            """));
        await database.RefreshAllCandlesAsync();
        await using var command = database.DataSource.CreateCommand("SELECT instrument_id FROM instruments WHERE underlying = 'LOAD' ORDER BY strike");
        var tokens = new List<int>();
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            tokens.Add(reader.GetInt32(0));
        }
        return [.. tokens];
    }
}
