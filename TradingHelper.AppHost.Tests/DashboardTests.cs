using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
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
        using var timeout = Waiting.Within(LocalAppHostFixture.StartupTimeout);
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

        // A subscribe request that starts a trace of the test's own; the Api, the Redis stream and the Ingestor's
        // handling of the command must all land in it.
        var traceId = ActivityTraceId.CreateRandom();
        using (var api = stack.App.CreateHttpClient("api", "http"))
        {
            using var instruments = JsonDocument.Parse(await api.GetStringAsync(new Uri("/api/instruments?type=INDEX&symbol=NIFTY", UriKind.Relative), timeout.Token));
            var token = instruments.RootElement.GetProperty("items")[0].GetProperty("token").GetInt32();
            using var subscribe = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/instruments/subscribe", UriKind.Relative))
            {
                Content = JsonContent.Create(new { tokens = new[] { token }, mode = "full" }),
            };
            subscribe.Headers.Add("X-Api-Key", LocalTradingApp.ApiKey);
            subscribe.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
            using var subscribed = await api.SendAsync(subscribe, timeout.Token);
            Assert.True(subscribed.IsSuccessStatusCode, $"subscribe answered {(int)subscribed.StatusCode}");
        }

        // The dashboard names messaging spans "MSG redis"; the Api's XADD and the Ingestor's XACK of the command.
        var trace = new Uri(dashboard, $"/traces/detail/{traceId}");
        await UntilShownAsync(page, trace, "DATA redis XACK", timeout.Token);
        await Shown(page, "DATA redis XADD");
        await Shown(page, "POST api/instruments/subscribe");
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
