using System.Globalization;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using TradingHelper.Core.Streaming;
using TradingHelper.Tests.Candles;

namespace TradingHelper.Tests.Api;

/// <summary>The watchlist panel of /chart and what the chart opens on, in a real headless Chromium against an Api on a real port.</summary>
public sealed class WatchlistPageTests(MarketApiContext context) : IClassFixture<MarketApiContext>
{
    [Fact(Timeout = 120_000)]
    public async Task Without_a_token_the_chart_opens_on_the_first_watchlist_instrument_and_puts_it_in_the_url()
    {
        Assert.SkipUnless(HeadlessChromium.IsInstalled, HeadlessChromium.MissingReason);
        int future = context.Instruments["NIFTY26NOVFUT"], reliance = context.Instruments["RELIANCE"];
        // Listed by underlying with stocks first: RELIANCE leads though its id is the larger.
        Assert.True(reliance > future);
        await WatchAsync(future, reliance);
        await using var browser = await BrowserSession.StartAsync(context.Start());
        var page = browser.Page;

        await browser.GotoAsync("/chart");
        await browser.WaitForAsync($"window.__chart.token === {reliance} && window.__watchlist.ready");

        Assert.Equal([reliance, future], await page.EvaluateAsync<int[]>("() => window.__watchlist.tokens"));
        var url = new Uri(page.Url);
        Assert.Equal($"?token={reliance}&interval=5m", url.Query);
        Assert.Equal(reliance, await page.EvaluateAsync<int>("() => window.__watchlist.selected"));
        Assert.Equal("true", await page.GetAttributeAsync($"#watchlist-rows [data-token='{reliance}']", "aria-selected"));
        Assert.False(await page.EvaluateAsync<bool>("() => window.__chart.welcome"));
        Assert.Empty(browser.Errors);
    }

    [Fact(Timeout = 120_000)]
    public async Task The_instrument_this_browser_charted_last_wins_over_the_watchlist()
    {
        Assert.SkipUnless(HeadlessChromium.IsInstalled, HeadlessChromium.MissingReason);
        int future = context.Instruments["NIFTY26NOVFUT"], call = context.Instruments["NIFTY26NOV24000CE"];
        await WatchAsync(future, call);
        await using var browser = await BrowserSession.StartAsync(context.Start());
        var page = browser.Page;
        await browser.GotoAsync($"/chart?token={call}&interval=15m");
        await browser.WaitForAsync($"window.__chart.token === {call} && window.__watchlist.ready");

        await browser.GotoAsync("/chart");
        await browser.WaitForAsync("window.__watchlist.ready");

        Assert.Equal(call, await page.EvaluateAsync<int>("() => window.__chart.token"));
        Assert.Equal($"?token={call}&interval=5m", new Uri(page.Url).Query);
        Assert.Equal(call, await page.EvaluateAsync<int>("() => window.__watchlist.selected"));
        Assert.Empty(browser.Errors);
    }

    [Fact(Timeout = 120_000)]
    public async Task With_nothing_subscribed_the_page_says_how_to_subscribe()
    {
        Assert.SkipUnless(HeadlessChromium.IsInstalled, HeadlessChromium.MissingReason);
        await WatchAsync();
        await using var browser = await BrowserSession.StartAsync(context.Start());
        var page = browser.Page;

        await browser.GotoAsync("/chart");
        await browser.WaitForAsync("window.__chart.welcome");

        Assert.True(await page.IsVisibleAsync("#welcome"));
        Assert.False(await page.IsVisibleAsync("#chart"));
        var welcome = await page.TextContentAsync("#welcome") ?? "";
        Assert.Contains("Nothing is subscribed yet", welcome, StringComparison.Ordinal);
        Assert.Contains($"curl -X POST {browser.Address}/api/instruments/subscribe", welcome, StringComparison.Ordinal);
        Assert.Equal("Nothing subscribed", await page.TextContentAsync("#instrument"));
        await browser.WaitForAsync("document.getElementById('watchlist-rows').textContent === 'Nothing subscribed.'");
        Assert.Null(await page.EvaluateAsync<int?>("() => window.__chart.token"));
        Assert.Equal("", new Uri(page.Url).Query);
        Assert.Empty(browser.Errors);
    }

    [Fact(Timeout = 120_000)]
    public async Task The_watchlist_shows_change_from_the_previous_close_day_volume_and_oi_moves_with_ticks_and_charts_a_click()
    {
        Assert.SkipUnless(HeadlessChromium.IsInstalled, HeadlessChromium.MissingReason);
        int future = context.Instruments["NIFTY26NOVFUT"], call = context.Instruments["NIFTY26NOV24000CE"], reliance = context.Instruments["RELIANCE"];
        var database = context.Database;
        // Friday's session and Monday's first minutes; Monday's pre-open snapshot still carries Friday's total and adds nothing.
        await database.TickAsync(future, "2026-01-02 15:29:30", 101m, 5500);
        await database.TickAsync(future, "2026-01-05 09:05:00", 101.5m, 5500);
        await database.TickAsync(future, "2026-01-05 09:15:10", 102m, 100);
        await database.TickAsync(future, "2026-01-05 09:17:10", 104.04m, 1000, 12345);
        await database.BrokerCandleAsync(call, "2026-01-02 15:29", 49m, 50m, 49m, 49.5m, 40, 600);
        await database.BrokerCandleAsync(call, "2026-01-05 09:15", 50m, 51m, 50m, 51m, 200, 650);
        await database.BrokerCandleAsync(call, "2026-01-05 09:16", 51m, 52m, 51m, 52m, 300, 700);
        await database.RefreshAllCandlesAsync();
        await WatchAsync(future, call, reliance);
        var api = context.Start();
        var publisher = new LiveTickPublisher(context.Redis, Options.Create(new LiveTickOptions { Channel = api.TickChannel, QuotesKey = api.QuotesKey }));
        await using var browser = await BrowserSession.StartAsync(api);
        var page = browser.Page;
        // The chart and the watchlist share one socket.
        var sockets = new List<string>();
        page.WebSocket += (_, socket) => sockets.Add(socket.Url);

        await browser.GotoAsync($"/chart?token={future}");
        await browser.WaitForAsync("window.__watchlist.ready && window.__watchlist.pending === 0 && window.__chart.status === 'connected'");

        Assert.Equal([reliance, future, call], await page.EvaluateAsync<int[]>("() => window.__watchlist.tokens"));
        Assert.Equal(["RELIANCE", "—", "—", "—", ""], await CellsAsync(page, reliance));
        Assert.Equal(["NIFTY26NOVFUT", "104.04", "+3.01%", "1,000", "12,345"], await CellsAsync(page, future));
        Assert.Equal(["NIFTY26NOV24000CE", "52.00", "+5.05%", "500", "700"], await CellsAsync(page, call));
        Assert.Equal("up", await page.GetAttributeAsync($"#watchlist-rows [data-token='{future}'] span:nth-child(3)", "class"));

        // The first live tick only sets the level of the cumulative volume: the candles already counted what came before.
        await publisher.PublishAsync([Tick(future, "2026-01-05 09:20:00", 106.05m, 1600, 12500)]);
        await WaitForCellsAsync(page, future, "NIFTY26NOVFUT", "106.05", "+5.00%", "1,000", "12,500");
        await publisher.PublishAsync([Tick(future, "2026-01-05 09:21:00", 99.99m, 2000, 12600)]);
        await WaitForCellsAsync(page, future, "NIFTY26NOVFUT", "99.99", "-1.00%", "1,400", "12,600");
        Assert.Equal("down", await page.GetAttributeAsync($"#watchlist-rows [data-token='{future}'] span:nth-child(3)", "class"));
        // A tick after the close moves the price, not the volume.
        await publisher.PublishAsync([Tick(future, "2026-01-05 15:45:00", 100.5m, 9000, 12600)]);
        await WaitForCellsAsync(page, future, "NIFTY26NOVFUT", "100.50", "-0.50%", "1,400", "12,600");
        // The next day starts from zero, against the last price before it.
        await publisher.PublishAsync([Tick(future, "2026-01-06 09:15:30", 102.51m, 300, 12700)]);
        await WaitForCellsAsync(page, future, "NIFTY26NOVFUT", "102.51", "+2.00%", "300", "12,700");
        // A stock has no OI column, and a first tick with no candles behind it counts the day from zero.
        await publisher.PublishAsync([Tick(reliance, "2026-01-06 09:16:00", 1500m, 700, 0)]);
        await WaitForCellsAsync(page, reliance, "RELIANCE", "1500.00", "—", "700", "");

        await page.ClickAsync($"#watchlist-rows [data-token='{call}']");
        await browser.WaitForAsync($"window.__chart.token === {call} && window.__watchlist.selected === {call}");
        Assert.Equal($"?token={call}&interval=5m", new Uri(page.Url).Query);
        Assert.Equal("true", await page.GetAttributeAsync($"#watchlist-rows [data-token='{call}']", "aria-selected"));
        Assert.Null(await page.GetAttributeAsync($"#watchlist-rows [data-token='{future}']", "aria-selected"));
        Assert.Equal([$"{browser.Address.Replace("http", "ws", StringComparison.Ordinal)}/api/ws/ticks"], sockets);

        var screenshot = Path.Combine(AppContext.BaseDirectory, "TestResults", "chart-watchlist.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot });
        TestContext.Current.TestOutputHelper?.WriteLine($"Screenshot of the chart with its watchlist: {screenshot}");
        Assert.Empty(browser.Errors);
    }

    /// <summary>Makes exactly these instruments the active subscriptions.</summary>
    private Task WatchAsync(params int[] tokens) =>
        context.Database.ExecuteAsync(string.Create(CultureInfo.InvariantCulture,
            $"""
            UPDATE subscriptions SET active = false;
            INSERT INTO subscriptions (instrument_id, mode, active, updated_at)
            SELECT token, 'full', true, now() FROM unnest(ARRAY[{string.Join(",", tokens)}]::integer[]) AS token
            ON CONFLICT (instrument_id) DO UPDATE SET active = true;
            """));

    private static Task<string[]> CellsAsync(IPage page, int token) =>
        page.EvalOnSelectorAllAsync<string[]>($"#watchlist-rows [data-token='{token}'] span", "cells => cells.map((cell) => cell.textContent)");

    private static async Task WaitForCellsAsync(IPage page, int token, params string[] cells)
    {
        var expected = string.Join("|", cells);
        await page.WaitForFunctionAsync(
            "([token, expected]) => [...document.querySelectorAll(`#watchlist-rows [data-token='${token}'] span`)].map((cell) => cell.textContent).join('|') === expected",
            new object[] { token, expected }, new PageWaitForFunctionOptions { Timeout = HeadlessChromium.WaitMilliseconds });
    }

    private static LiveTick Tick(int token, string istTime, decimal ltp, long volume, long oi) =>
        new(token, TickTape.At(istTime), ltp, volume, oi, ltp - 0.05m, ltp + 0.05m, 75, 75, ltp, 75);
}
