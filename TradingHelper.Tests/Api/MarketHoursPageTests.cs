using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using TradingHelper.Core.Brokers;
using TradingHelper.Core.Commands;
using TradingHelper.Core.Streaming;
using TradingHelper.Tests.Candles;

namespace TradingHelper.Tests.Api;

/// <summary>Issue 14.4: the /chart page says when the market is closed and why a feed is stale, and marks session boundaries; real Chromium, real Api port.</summary>
public sealed class MarketHoursPageTests(MarketApiContext context) : IClassFixture<MarketApiContext>, IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    // Bounds on every browser wait: hang guards, not timed assertions.
    private const float WaitMilliseconds = 30_000;
    private static readonly PageWaitForFunctionOptions Wait = new() { Timeout = WaitMilliseconds };

    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async ValueTask InitializeAsync()
    {
        Assert.SkipUnless(File.Exists(Chromium), $"{Chromium} is missing; install it with: apt-get install chromium");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }

    [Fact(Timeout = 120_000)]
    public async Task A_closed_market_says_so_with_the_next_open()
    {
        // Saturday 5 December 2026, 10:00 IST, whenever the test runs; NSE hours, and a feed that is up.
        var saturday = new DateTimeOffset(2026, 12, 5, 10, 0, 0, TickTape.Ist);
        await ReportAsync("kite", FeedState.Live, "1 connections up, 1 instruments");
        await using var api = context.Start(("Broker:Kind", "kite"), ("Broker:MarketHours", "nse"));
        var address = Serve(api, new ShiftedTimeProvider(saturday));
        var page = await _browser.NewPageAsync();

        await page.GotoAsync($"{address}/chart", new PageGotoOptions { Timeout = WaitMilliseconds });
        await page.WaitForFunctionAsync("() => window.__chart.badge && window.__chart.badge.kind === 'closed'", null, Wait);

        Assert.Equal("market closed · opens Mon 09:15 IST", await page.TextContentAsync("#feed-status"));
        Assert.Contains("closed for the weekend; opens Mon 07 Dec 09:15 IST", await page.GetAttributeAsync("#feed-status", "title"), StringComparison.Ordinal);
        Assert.False(await page.IsVisibleAsync("#market"));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_stale_feed_says_why_on_the_badge()
    {
        // The class shares one Redis database and another test may have reported a Kite feed: no report is no Ingestor.
        await context.Redis.GetDatabase().KeyDeleteAsync(FeedReportKeys.Report("kite"));
        await using var api = context.Start(("Broker:Kind", "kite"), ("Broker:MarketHours", "always"));
        var address = Serve(api, TimeProvider.System);
        var page = await _browser.NewPageAsync();

        await page.GotoAsync($"{address}/chart", new PageGotoOptions { Timeout = WaitMilliseconds });
        await page.WaitForFunctionAsync("() => window.__chart.badge && window.__chart.badge.kind === 'no-ingestor'", null, Wait);
        Assert.Equal("no ingestor", await page.TextContentAsync("#feed-status"));

        await ReportAsync("kite", FeedState.Disconnected, "connection 0 reconnecting: Connection refused (127.0.0.1:1)");
        await page.ReloadAsync(new PageReloadOptions { Timeout = WaitMilliseconds });
        await page.WaitForFunctionAsync("() => window.__chart.badge && window.__chart.badge.kind === 'broker-disconnected'", null, Wait);
        Assert.Equal("broker disconnected: connection 0 reconnecting: Connection refused (127.0.0.1:1)", await page.TextContentAsync("#feed-status"));

        await ReportAsync("kite", FeedState.LoginNeeded, "no Kite login (Kite access token expired at 06:00 IST; log in again at /api/brokers/kite/login)");
        await page.ReloadAsync(new PageReloadOptions { Timeout = WaitMilliseconds });
        await page.WaitForFunctionAsync("() => window.__chart.badge && window.__chart.badge.kind === 'login-needed'", null, Wait);
        Assert.Equal("login needed", await page.TextContentAsync("#feed-status"));
        Assert.Equal("/api/brokers/kite/login", await page.GetAttributeAsync("#feed-status a", "href"));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_charted_instrument_without_ticks_in_an_open_session_is_stale_until_it_ticks()
    {
        var token = context.Instruments["NIFTY26DEC24000CE"];
        await ReportAsync("simulator", FeedState.Live, "1 connections up, 1 instruments");
        await using var api = context.Start(("Broker:Kind", "simulator"));
        var address = Serve(api, TimeProvider.System);
        var publisher = new LiveTickPublisher(context.Redis, Options.Create(new LiveTickOptions { Channel = api.TickChannel, QuotesKey = api.QuotesKey }));
        var page = await _browser.NewPageAsync();
        // The page's clock runs on from now but can be moved on: no test waits the minutes a feed needs to look stale.
        await page.Clock.InstallAsync();

        await page.GotoAsync($"{address}/chart?token={token}&interval=1m", new PageGotoOptions { Timeout = WaitMilliseconds });
        await page.WaitForFunctionAsync("() => window.__chart.badge && window.__chart.badge.kind === 'live'", null, Wait);
        Assert.True(await page.IsVisibleAsync("#market"), "the SIMULATED badge stays");

        await page.Clock.FastForwardAsync("03:00");
        await page.WaitForFunctionAsync("() => window.__chart.badge.kind === 'stale'", null, Wait);
        Assert.Equal("stale · no tick for 3 min", await page.TextContentAsync("#feed-status"));

        var now = DateTimeOffset.UtcNow;
        await publisher.PublishAsync([new LiveTick(token, now, 101m, 10, 0, 100.95m, 101.05m, 75, 75, 101m, 75)]);
        await page.WaitForFunctionAsync("() => window.__chart.badge.kind === 'live'", null, Wait);
        Assert.Equal("live", await page.TextContentAsync("#feed-status"));
    }

    [Fact(Timeout = 120_000)]
    public async Task Each_IST_day_of_candles_starts_with_a_session_marker()
    {
        var token = context.Instruments["NIFTY26NOV24100CE"];
        var today = DateTimeOffset.UtcNow.ToOffset(TickTape.Ist).Date;
        var firstDay = new DateTimeOffset(today.AddDays(-2).AddHours(9).AddMinutes(15), TickTape.Ist);
        var secondDay = new DateTimeOffset(today.AddDays(-1).AddHours(9).AddMinutes(15), TickTape.Ist);
        foreach (var open in new[] { firstDay, secondDay })
        {
            await context.Database.TickAsync(token, open.AddSeconds(5), 100m, 100);
            await context.Database.TickAsync(token, open.AddMinutes(5).AddSeconds(5), 101m, 200);
            await context.Database.TickAsync(token, open.AddHours(6).AddSeconds(5), 102m, 300);
            await context.Database.ExecuteAsync(string.Create(CultureInfo.InvariantCulture,
                $"SELECT refresh_candles_1m('{open.AddHours(-1):O}', '{open.AddHours(7):O}')"));
        }
        await ReportAsync("simulator", FeedState.Live, "1 connections up, 1 instruments");
        await using var api = context.Start(("Broker:Kind", "simulator"));
        var address = Serve(api, TimeProvider.System);
        var page = await _browser.NewPageAsync();

        await page.GotoAsync($"{address}/chart?token={token}&interval=5m", new PageGotoOptions { Timeout = WaitMilliseconds });
        await page.WaitForFunctionAsync("() => window.__chart.candles.length === 6", null, Wait);

        var sessions = JsonSerializer.Deserialize<long[]>(await page.EvaluateAsync<string>("() => JSON.stringify(window.__chart.sessions)"))!;
        Assert.Equal([firstDay.ToUnixTimeSeconds(), secondDay.ToUnixTimeSeconds()], sessions);

        var screenshot = Path.Combine(AppContext.BaseDirectory, "TestResults", "chart-sessions.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot });
        TestContext.Current.TestOutputHelper?.WriteLine($"Screenshot of two sessions: {screenshot}");
    }

    private async Task ReportAsync(string broker, FeedState state, string reason) =>
        await context.Redis.GetDatabase().StringSetAsync(FeedReportKeys.Report(broker),
            JsonSerializer.Serialize(new FeedReport(broker, state, reason, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow), CommandJson.Options));

    // The Api on a real port, with the clock the test gives it.
    private static string Serve(ApiUnderTest api, TimeProvider time)
    {
        var factory = api.Factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton(time)));
        factory.UseKestrel(0);
        factory.StartServer();
        return factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }
}
