using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using TradingHelper.Core.Streaming;
using TradingHelper.Tests.Candles;

namespace TradingHelper.Tests.Api;

/// <summary>The /chart page in a real headless Chromium, against an Api listening on a real port.</summary>
public sealed class ChartPageTests(MarketApiContext context) : IClassFixture<MarketApiContext>
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    // Bounds on every browser wait: hang guards, not timed assertions.
    private const float WaitMilliseconds = 30_000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 120_000)]
    public async Task The_chart_draws_stored_candles_and_moves_with_live_ticks()
    {
        Assert.SkipUnless(File.Exists(Chromium), $"{Chromium} is missing; install it with: apt-get install chromium");
        var token = context.Instruments["NIFTY26NOVFUT"];
        // Three 5-minute candles in yesterday's session, stored as ticks and built by the refresher's SQL: only
        // the session adds volume, so the test must not depend on the hour it runs at.
        var yesterday = DateTimeOffset.UtcNow.ToOffset(TickTape.Ist).Date.AddDays(-1);
        var last = new DateTimeOffset(yesterday.AddHours(11), TickTape.Ist);
        await context.Database.TickAsync(token, last.AddMinutes(-10).AddSeconds(5), 98m, 500);
        await context.Database.TickAsync(token, last.AddMinutes(-5).AddSeconds(5), 99m, 800);
        await context.Database.TickAsync(token, last.AddSeconds(5), 100m, 1000);
        await context.Database.TickAsync(token, last.AddSeconds(70), 101.5m, 1300);
        await context.Database.TickAsync(token, last.AddSeconds(130), 99.5m, 1700);
        await context.Database.ExecuteAsync(string.Create(CultureInfo.InvariantCulture,
            $"SELECT refresh_candles_1m('{last.AddHours(-1):O}', '{last.AddHours(1):O}')"));
        await context.Database.ExecuteAsync(string.Create(CultureInfo.InvariantCulture,
            $"""
            INSERT INTO feed_gaps (broker, connection, instrument_ids, started_at, ended_at)
            VALUES ('kite', 'kite-0', ARRAY[{token}], '{last.AddMinutes(-5).AddSeconds(30):O}', '{last.AddMinutes(-3):O}')
            """));

        await using var api = context.Start();
        api.Factory.UseKestrel(0);
        api.Factory.StartServer();
        var address = api.Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var publisher = new LiveTickPublisher(context.Redis, Options.Create(new LiveTickOptions { Channel = api.TickChannel, QuotesKey = api.QuotesKey }));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 720 } });
        var pageErrors = new List<string>();
        page.PageError += (_, error) => pageErrors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                pageErrors.Add($"{message.Text} ({message.Location})");
            }
        };

        await page.GotoAsync($"{address}/chart?token={token}&interval=5m", new PageGotoOptions { Timeout = WaitMilliseconds });
        await page.WaitForFunctionAsync(
            "() => window.__chart && window.__chart.candles.length === 3 && window.__chart.status === 'connected'",
            null, new PageWaitForFunctionOptions { Timeout = WaitMilliseconds });
        var stored = await LastCandleAsync(page);
        Assert.Equal((100m, 101.5m, 99.5m, 99.5m), (stored.Open, stored.High, stored.Low, stored.Close));
        Assert.Equal("99.50", await page.TextContentAsync("#last-price"));
        Assert.Equal(1, await page.EvaluateAsync<int>("() => window.__chart.gaps"));
        Assert.Contains("2 min · no backfill yet", await page.TextContentAsync("#gaps"), StringComparison.Ordinal);

        // The same path the Ingestor uses: latest quote in the hash, the batch on the pub/sub channel.
        await publisher.PublishAsync([Tick(token, last.AddSeconds(200), 123.45m, 2600)]);
        await page.WaitForFunctionAsync("() => window.__chart.lastPrice === 123.45", null, new PageWaitForFunctionOptions { Timeout = WaitMilliseconds });
        var moved = await LastCandleAsync(page);
        Assert.Equal(3, await page.EvaluateAsync<int>("() => window.__chart.candles.length"));
        Assert.Equal((100m, 123.45m, 99.5m, 123.45m), (moved.Open, moved.High, moved.Low, moved.Close));
        Assert.Equal("123.45", await page.TextContentAsync("#last-price"));

        await publisher.PublishAsync([Tick(token, last.AddMinutes(5).AddSeconds(5), 124m, 2700)]);
        await page.WaitForFunctionAsync("() => window.__chart.candles.length === 4", null, new PageWaitForFunctionOptions { Timeout = WaitMilliseconds });
        var next = await LastCandleAsync(page);
        Assert.Equal(last.AddMinutes(5).ToUnixTimeSeconds(), next.Time);
        Assert.Equal((124m, 124m, 124m, 124m, 100L), (next.Open, next.High, next.Low, next.Close, next.Volume));

        // A tick after the close opens a candle but adds no volume.
        var close = new DateTimeOffset(yesterday.AddHours(15).AddMinutes(31), TickTape.Ist);
        await publisher.PublishAsync([Tick(token, close, 125m, 9000)]);
        await page.WaitForFunctionAsync("() => window.__chart.candles.length === 5", null, new PageWaitForFunctionOptions { Timeout = WaitMilliseconds });
        var afterClose = await LastCandleAsync(page);
        Assert.Equal((125m, 0L), (afterClose.Close, afterClose.Volume));

        var screenshot = Path.Combine(AppContext.BaseDirectory, "TestResults", "chart-live.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot });
        TestContext.Current.TestOutputHelper?.WriteLine($"Screenshot of the live chart: {screenshot}");
        Assert.Empty(pageErrors);
    }

    [Fact(Timeout = 120_000)]
    public async Task The_chart_says_simulated_when_the_simulator_is_the_broker()
    {
        Assert.SkipUnless(File.Exists(Chromium), $"{Chromium} is missing; install it with: apt-get install chromium");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });

        foreach (var (broker, market, badge) in new[] { ("simulator", "simulated", true), ("kite", "exchange", false) })
        {
            await using var api = context.Start(("Broker:Kind", broker));
            api.Factory.UseKestrel(0);
            api.Factory.StartServer();
            var address = api.Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var page = await browser.NewPageAsync();

            await page.GotoAsync($"{address}/chart", new PageGotoOptions { Timeout = WaitMilliseconds });
            await page.WaitForFunctionAsync($"() => window.__chart.market === '{market}'", null, new PageWaitForFunctionOptions { Timeout = WaitMilliseconds });

            Assert.Equal(badge, await page.IsVisibleAsync("#market"));
            Assert.Equal("SIMULATED", await page.TextContentAsync("#market"));
            Assert.DoesNotContain("open", await page.TextContentAsync("header") ?? "", StringComparison.OrdinalIgnoreCase);
            await page.CloseAsync();
        }
    }

    private static async Task<ChartCandle> LastCandleAsync(IPage page)
    {
        var json = await page.EvaluateAsync<string>("() => JSON.stringify(window.__chart.lastCandle)");
        return JsonSerializer.Deserialize<ChartCandle>(json, Json)!;
    }

    private static LiveTick Tick(int token, DateTimeOffset time, decimal ltp, long volume) =>
        new(token, time, ltp, volume, 0, ltp - 0.05m, ltp + 0.05m, 75, 75, ltp, 75);

    private sealed record ChartCandle(long Time, decimal Open, decimal High, decimal Low, decimal Close, long Volume);
}
