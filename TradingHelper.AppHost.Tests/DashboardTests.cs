using Microsoft.Playwright;

namespace TradingHelper.AppHost.Tests;

/// <summary>The Aspire dashboard in a real headless Chromium: a Blazor Server app, so only a browser sees what it shows.</summary>
[Collection(LocalTradingAppGroup.Name)]
public sealed class DashboardTests(LocalTradingApp stack)
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task The_dashboard_shows_the_ingestors_tick_metric_and_one_trace_from_subscribe_request_to_ingestor()
    {
        Assert.SkipUnless(File.Exists(Chromium), $"{Chromium} is missing; install it with: apt-get install chromium");
        using var timeout = Waiting.Within(LocalTradingApp.StartupTimeout);
        await stack.App.ResourceNotifications.WaitForResourceHealthyAsync("ingestor", timeout.Token);
        var login = await stack.App.GetDashboardUrlAsync(timeout.Token);
        var dashboard = new Uri(login.GetLeftPart(UriPartial.Authority));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
        var page = await browser.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(login.ToString());

        // The metric arrives with the Ingestor's first OTLP export after its first tick; reload until it is listed.
        await UntilShownAsync(page, new Uri(dashboard, "/metrics/resource/ingestor?meter=TradingHelper.Brokers&instrument=tradinghelper.broker.ticks.received"),
            "tradinghelper.broker.ticks.received", timeout.Token);

        // The AppHost's starter watchlist subscribes through the Api: one trace from its request to the Ingestor's handler.
        await UntilShownAsync(page, new Uri(dashboard, "/traces/resource/ingestor"), "POST api/instruments/subscribe", timeout.Token);
        // The list re-renders as spans arrive, so read the trace id from the row rather than click a moving element.
        string? traceId = null;
        for (var attempt = 0; traceId is null && attempt < 30; attempt++)
        {
            traceId = await page.EvaluateAsync<string?>("""
                name => [...document.querySelectorAll('[title]')]
                    .map(element => element.getAttribute('title'))
                    .filter(title => title.includes(name))
                    .map(title => /Trace Id: ([0-9a-f]+)/.exec(title)?.[1])
                    .find(id => id) ?? null
                """, "POST api/instruments/subscribe");
            if (traceId is null)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), timeout.Token);
            }
        }
        Assert.True(traceId is not null, "The traces list showed the subscribe request but no row carried its trace id.");
        await page.GotoAsync(new Uri(dashboard, $"/traces/detail/{traceId}").ToString());
        // The dashboard names messaging spans "MSG redis"; the Ingestor's XACK of the command is in the Api's trace.
        await Shown(page, "DATA redis XADD");
        await Shown(page, "DATA redis XACK");
    }

    private static async Task Shown(IPage page, string text)
    {
        try
        {
            await page.GetByText(text).First.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        }
        catch (TimeoutException)
        {
            var screenshot = Path.Combine(Path.GetTempPath(), $"dashboard-{Guid.NewGuid():N}.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
            Assert.Fail($"The dashboard at {page.Url} never showed '{text}'; screenshot: {screenshot}");
        }
    }

    private static async Task UntilShownAsync(IPage page, Uri url, string text, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                await Shown(page, text);
            }
            await page.GotoAsync(url.ToString());
            try
            {
                await page.GetByText(text).First.WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
                return;
            }
            catch (TimeoutException)
            {
                // Not exported yet; load the page again.
            }
        }
    }
}
