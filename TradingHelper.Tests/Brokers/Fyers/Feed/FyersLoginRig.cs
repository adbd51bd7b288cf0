extern alias api;

using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using TradingHelper.Tests.Api;
using TradingHelper.Tests.Brokers.Kite.Ticker;
using TradingHelper.Tests.Infrastructure;

namespace TradingHelper.Tests.Brokers.Fyers.Feed;

/// <summary>
/// The simulator, a <c>Broker:Kind=fyers</c> Ingestor with no token, and the Api, sharing the database and Redis; a
/// browser that logs in through the Api as a Fyers user does every morning.
/// </summary>
internal sealed class FyersLoginRig : IAsyncDisposable
{
    public const string AppId = "SIMFYERS-100";

    private WebApplicationFactory<api::Program> _api = null!;

    public TickerRig Rig { get; private set; } = null!;

    public HttpClient Browser { get; private set; } = null!;

    /// <param name="streams">Whether the Ingestor dials the simulator's data socket too (otherwise only its REST side).</param>
    public static async Task<FyersLoginRig> StartAsync(TestServers servers, string purpose, string ingestorSecret,
        bool streams = false, int ticksPerSecond = 10, IReadOnlyDictionary<string, string?>? ingestorSettings = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Broker:Kind"] = "fyers",
            ["Fyers:AppId"] = AppId,
            ["Fyers:SecretKey"] = ingestorSecret,
            ["Fyers:TokenRetryInterval"] = "00:10:00",
            ["Fyers:SessionCheckInterval"] = "00:00:00.100",
            ["Commands:PollInterval"] = "00:00:00.020",
        };
        foreach (var (key, value) in ingestorSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        var login = new FyersLoginRig { Rig = await TickerRig.StartAsync(servers, purpose, ticksPerSecond, settings) };
        if (streams)
        {
            login.Rig.Configure("Fyers:DataSocketUrl", $"ws://127.0.0.1:{login.Rig.SimulatorUrl.Port}/hsm/v1-5/prod");
        }
        login.Rig.Configure("Fyers:ApiBaseUrl", login.Rig.SimulatorUrl.ToString());
        login.Rig.Configure("Fyers:SymbolMasterUrl", new Uri(login.Rig.SimulatorUrl, "/sym_details/").ToString());
        login.Rig.StartIngestor();
        login._api = new ServiceFactory<api::Program>(login.Rig.Database.ConnectionString, login.Rig.Redis, new Dictionary<string, string?>
        {
            ["Api:ApiKey"] = ApiTestContext.ApiKey,
            ["Fyers:AppId"] = AppId,
            ["Fyers:LoginUrl"] = new Uri(login.Rig.SimulatorUrl, "/api/v3/generate-authcode").ToString(),
        });
        login.Browser = login.NewBrowser();
        return login;
    }

    /// <summary>A browser of its own: its own cookies, redirects not followed.</summary>
    public HttpClient NewBrowser() => _api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>/login, then the simulator's login page, which sends the browser back; returns the callback's path and query.</summary>
    public async Task<string> AuthorizeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        using var redirect = await Browser.GetAsync("/api/brokers/fyers/login", ct);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        using var fyers = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        using var back = await fyers.GetAsync(redirect.Headers.Location, ct);
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        Assert.StartsWith("http://localhost/api/brokers/fyers/callback?", back.Headers.Location!.ToString(), StringComparison.Ordinal);
        return back.Headers.Location.PathAndQuery;
    }

    public async Task<HttpResponseMessage> LogInAsync() => await Browser.GetAsync(await AuthorizeAsync(), TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        Browser.Dispose();
        await _api.DisposeAsync();
        await Rig.DisposeAsync();
    }
}
