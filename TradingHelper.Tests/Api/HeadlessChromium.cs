using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace TradingHelper.Tests.Api;

/// <summary>The Debian Chromium driven headless by Playwright, with pages that record their script errors.</summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    // Bounds on every browser wait: hang guards, not timed assertions.
    public const float WaitMilliseconds = 30_000;

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private HeadlessChromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    public static string MissingReason => $"{ExecutablePath} is missing; install it with: apt-get install chromium";

    public static bool IsInstalled => File.Exists(ExecutablePath);

    public static async Task<HeadlessChromium> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
        return new HeadlessChromium(playwright, browser);
    }

    /// <summary>A browser profile of its own: empty local storage, like a browser that never opened the page.</summary>
    public Task<IBrowserContext> NewProfileAsync() =>
        _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 720 } });

    /// <summary>A page whose uncaught errors and console errors land in <paramref name="errors"/>.</summary>
    public static async Task<IPage> NewPageAsync(IBrowserContext profile, List<string> errors)
    {
        var page = await profile.NewPageAsync();
        page.PageError += (_, error) => errors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add($"{message.Text} ({message.Location})");
            }
        };
        return page;
    }

    /// <summary>Waits until <paramref name="condition"/>, a JavaScript expression, is true in the page.</summary>
    public static Task WaitForAsync(IPage page, string condition) =>
        page.WaitForFunctionAsync($"() => {condition}", null, new PageWaitForFunctionOptions { Timeout = WaitMilliseconds });

    /// <summary>Starts the Api on a free port and returns the address a browser reaches it at.</summary>
    public static string ServeOnRealPort(ApiUnderTest api)
    {
        api.Factory.UseKestrel(0);
        api.Factory.StartServer();
        return api.Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
