using Microsoft.Playwright;

namespace TradingHelper.Tests.Api;

/// <summary>An Api on a real port and one page in a fresh headless Chromium profile (empty local storage), recording its script errors.</summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly ApiUnderTest _api;
    private readonly HeadlessChromium _chromium;
    private readonly IBrowserContext _profile;

    private BrowserSession(ApiUnderTest api, string address, HeadlessChromium chromium, IBrowserContext profile, IPage page, List<string> errors)
    {
        _api = api;
        Address = address;
        _chromium = chromium;
        _profile = profile;
        Page = page;
        Errors = errors;
    }

    /// <summary>Where the browser reaches the Api, e.g. <c>http://127.0.0.1:43210</c>.</summary>
    public string Address { get; }

    public IPage Page { get; }

    /// <summary>Uncaught errors and console errors of the page.</summary>
    public List<string> Errors { get; }

    /// <summary>Serves <paramref name="api"/> on a free port and opens a page; <paramref name="initScript"/> runs before the page's own scripts.</summary>
    public static async Task<BrowserSession> StartAsync(ApiUnderTest api, string? initScript = null)
    {
        var address = HeadlessChromium.ServeOnRealPort(api);
        var chromium = await HeadlessChromium.LaunchAsync();
        var profile = await chromium.NewProfileAsync();
        if (initScript is not null)
        {
            await profile.AddInitScriptAsync(initScript);
        }
        var errors = new List<string>();
        var page = await HeadlessChromium.NewPageAsync(profile, errors);
        return new BrowserSession(api, address, chromium, profile, page, errors);
    }

    /// <summary>Opens a path of the Api, e.g. <c>/chart?token=42</c>.</summary>
    public Task GotoAsync(string pathAndQuery) =>
        Page.GotoAsync($"{Address}{pathAndQuery}", new PageGotoOptions { Timeout = HeadlessChromium.WaitMilliseconds });

    /// <summary>Waits until <paramref name="condition"/>, a JavaScript expression, is true in the page.</summary>
    public Task WaitForAsync(string condition) => HeadlessChromium.WaitForAsync(Page, condition);

    public async ValueTask DisposeAsync()
    {
        await _profile.DisposeAsync();
        await _chromium.DisposeAsync();
        await _api.DisposeAsync();
    }
}
