extern alias api;

using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TradingHelper.Core.Brokers;
using TradingHelper.Core.Commands;
using TradingHelper.Ingestor.Brokers.Fyers;
using TradingHelper.Tests.Brokers.Kite.Ticker;
using TradingHelper.Tests.Infrastructure;

namespace TradingHelper.Tests.Brokers.Fyers.Feed;

/// <summary>
/// The daily Fyers login end to end: the Api's redirect to the simulator's <c>generate-authcode</c>, its redirect back with
/// an auth code, the Api handing it to a <c>Broker:Kind=fyers</c> Ingestor over the command stream, and the token in force.
/// </summary>
public sealed class FyersLoginTests(TestServers servers)
{
    private const string AppId = "SIMFYERS-100";
    private const string Secret = "sim_fyers_secret";

    [Fact]
    public async Task A_login_through_the_api_puts_a_token_in_force_stores_it_encrypted_and_history_works_with_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var login = await LoginRig.StartAsync(servers, "fyers_login_ok", Secret);

        using var callback = await login.LogInAsync();
        var body = await callback.Content.ReadAsStringAsync(ct);

        Assert.Equal(HttpStatusCode.OK, callback.StatusCode);
        Assert.Contains("Logged in to Fyers until", body, StringComparison.Ordinal);
        var session = login.Rig.Services.GetRequiredService<FyersSession>();
        Assert.True(session.FromLogin);
        var accessToken = session.AccessToken!;
        Assert.StartsWith(AppId + ":", accessToken, StringComparison.Ordinal);
        Assert.DoesNotContain(accessToken[(AppId.Length + 1)..], body, StringComparison.Ordinal);
        // No Fyers:AccessToken is configured: the history call authenticates with the login's token.
        var to = DateTimeOffset.UtcNow;
        Assert.NotEmpty(await login.Rig.Services.GetRequiredService<FyersHistoryClient>()
            .GetHistoryAsync("NSE:INFY-EQ", "1", to.AddMinutes(-10), to, withOpenInterest: false, ct));
        var status = await login.Browser.GetFromJsonAsync<BrokerSessionStatus>("/api/brokers/fyers/session", CommandJson.Options, ct);
        Assert.True(status is { Valid: true, ExpiresAt: { } expiresAt } && expiresAt > DateTimeOffset.UtcNow, body);
        using var redis = await ConnectionMultiplexer.ConnectAsync(login.Rig.Redis);
        var stored = (string?)await redis.GetDatabase().StringGetAsync(BrokerSessionKeys.Token("fyers"));
        Assert.DoesNotContain(accessToken[(AppId.Length + 1)..], stored, StringComparison.Ordinal);
        // What a restarted Ingestor reads back.
        var restored = await new FyersSessionStore(redis, Options.Create(new FyersOptions { SecretKey = Secret }), TimeProvider.System).LoadTokenAsync();
        Assert.Equal(accessToken, restored?.AccessToken);
    }

    [Fact]
    public async Task A_callback_replayed_or_from_another_browser_never_reaches_the_ingestor()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var login = await LoginRig.StartAsync(servers, "fyers_login_state", Secret);
        var callbackPath = await login.AuthorizeAsync();
        using var stranger = login.NewBrowser();

        using var foreign = await stranger.GetAsync(callbackPath, ct);
        using var first = await login.Browser.GetAsync(callbackPath, ct);
        using var replay = await login.Browser.GetAsync(callbackPath, ct);

        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        Assert.Contains("state", await foreign.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
    }

    [Fact]
    public async Task A_wrong_app_secret_is_a_bad_gateway_and_puts_no_token_in_force()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var login = await LoginRig.StartAsync(servers, "fyers_login_refused", "wrong_secret");

        using var callback = await login.LogInAsync();
        var problem = await callback.Content.ReadAsStringAsync(ct);

        Assert.Equal(HttpStatusCode.BadGateway, callback.StatusCode);
        Assert.Contains("Invalid app id hash", problem, StringComparison.Ordinal);
        Assert.False(login.Rig.Services.GetRequiredService<FyersSession>().FromLogin);
        var status = await login.Browser.GetFromJsonAsync<BrokerSessionStatus>("/api/brokers/fyers/session", CommandJson.Options, ct);
        Assert.False(status!.Valid);
        Assert.DoesNotContain("wrong_secret", problem, StringComparison.Ordinal);
    }

    /// <summary>The simulator, a fyers Ingestor with no token, and the Api, sharing the database and Redis.</summary>
    private sealed class LoginRig : IAsyncDisposable
    {
        private WebApplicationFactory<api::Program> _api = null!;

        public TickerRig Rig { get; private set; } = null!;

        public HttpClient Browser { get; private set; } = null!;

        public static async Task<LoginRig> StartAsync(TestServers servers, string purpose, string ingestorSecret)
        {
            var login = new LoginRig();
            login.Rig = await TickerRig.StartAsync(servers, purpose, ticksPerSecond: 10, new Dictionary<string, string?>
            {
                ["Broker:Kind"] = "fyers",
                ["Fyers:AppId"] = AppId,
                ["Fyers:SecretKey"] = ingestorSecret,
                ["Fyers:TokenRetryInterval"] = "00:10:00",
                ["Fyers:SessionCheckInterval"] = "00:00:00.100",
                ["Commands:PollInterval"] = "00:00:00.020",
            });
            login.Rig.Configure("Fyers:ApiBaseUrl", login.Rig.SimulatorUrl.ToString());
            login.Rig.Configure("Fyers:SymbolMasterUrl", new Uri(login.Rig.SimulatorUrl, "/sym_details/").ToString());
            login.Rig.StartIngestor();
            login._api = new ServiceFactory<api::Program>(login.Rig.Database.ConnectionString, login.Rig.Redis, new Dictionary<string, string?>
            {
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
}
