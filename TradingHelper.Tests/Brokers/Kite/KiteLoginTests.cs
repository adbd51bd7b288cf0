extern alias api;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TradingHelper.Core.Brokers;
using TradingHelper.Core.Brokers.Kite;
using TradingHelper.Core.Commands;
using TradingHelper.Ingestor.Brokers.Kite;
using TradingHelper.Tests.Api;
using TradingHelper.Tests.Infrastructure;
using TradingHelper.Tests.Simulator;
using TradingHelper.Tests.Storage;

namespace TradingHelper.Tests.Brokers.Kite;

public sealed class KiteLoginTests(TestServers servers)
{
    [Fact]
    public async Task A_login_puts_a_token_in_force_until_0600_ist_stores_it_and_leaks_no_secret()
    {
        await using var kite = new KiteHarness(loggedIn: false);
        await using var login = await LoginHarness.StartAsync(servers, kite, "kite_login_ok");
        var ct = TestContext.Current.CancellationToken;

        using var callback = await login.LogInAsync("Rq7token42");
        var body = await callback.Content.ReadAsStringAsync(ct);
        var accessToken = kite.Session.AccessToken;
        var future = await KiteRestClientTests.NiftyFutureAsync(kite);
        var from = KiteRestClientTests.PastMonday().AddHours(9).AddMinutes(15);
        var candles = await kite.Client.GetHistoryAsync(future, KiteHistoryInterval.Minute, from, from.AddMinutes(2), ct);
        var status = await login.Browser.GetFromJsonAsync<BrokerSessionStatus>("/api/brokers/kite/session", CommandJson.Options, ct);
        var tokenKey = BrokerSessionKeys.Token("kite");
        var ttl = await login.Redis.GetDatabase().KeyTimeToLiveAsync(tokenKey);
        var stored = (string?)await login.Redis.GetDatabase().StringGetAsync(tokenKey);
        var restored = await new KiteSessionStore(login.Redis, kite.Options, TimeProvider.System).LoadTokenAsync();

        Assert.Equal(HttpStatusCode.OK, callback.StatusCode);
        Assert.Contains("until 06:00 IST", body, StringComparison.Ordinal);
        Assert.NotNull(accessToken);
        Assert.NotEqual(SimulatorFactory.AccessToken, accessToken);
        var expected = KiteTokenLifetime.ExpiresAt(TimeProvider.System.GetUtcNow());
        Assert.Equal(expected, kite.Session.ExpiresAt);
        Assert.Equal(2, candles.Count);
        Assert.True(status is { Valid: true } && status.ExpiresAt == expected, body);
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        Assert.DoesNotContain(accessToken, stored, StringComparison.Ordinal);
        Assert.Equal((accessToken, expected), restored);
        Assert.DoesNotContain(accessToken, body, StringComparison.Ordinal);
        foreach (var secret in new[] { SimulatorFactory.ApiSecret, accessToken })
        {
            Assert.DoesNotContain(secret, kite.Logs.AllText, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, login.ApiLogs.AllText, StringComparison.Ordinal);
        }
        // The logs were recorded at all: the exchange and the history call went through the logged client.
        Assert.Contains(kite.Logs.Lines, line => line.Contains("Kite login succeeded", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_login_the_broker_refuses_reports_why_and_leaves_no_token()
    {
        await using var kite = new KiteHarness(apiSecret: "wrong_secret", loggedIn: false);
        await using var login = await LoginHarness.StartAsync(servers, kite, "kite_login_refused");
        var ct = TestContext.Current.CancellationToken;

        using var callback = await login.LogInAsync("Rq7token43");
        var problem = await callback.Content.ReadAsStringAsync(ct);

        Assert.Equal(HttpStatusCode.BadGateway, callback.StatusCode);
        Assert.Contains("checksum", problem, StringComparison.Ordinal);
        Assert.Null(kite.Session.AccessToken);
        Assert.False(await login.Redis.GetDatabase().KeyExistsAsync(BrokerSessionKeys.Token("kite")));
        Assert.DoesNotContain("wrong_secret", kite.Logs.AllText + login.ApiLogs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_token_kite_refuses_as_used_is_the_browsers_error_and_asks_for_a_new_login()
    {
        await using var kite = new KiteHarness(loggedIn: false);
        await using var login = await LoginHarness.StartAsync(servers, kite, "kite_login_used_token");

        using var first = await login.LogInAsync("Rq7token44");
        using var again = await login.LogInAsync("Rq7token44");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var message = await Problems.AssertFieldProblemAsync(again, "request_token");
        Assert.Contains("Token is invalid or has expired", message, StringComparison.Ordinal);
        Assert.Contains("log in again at /api/brokers/kite/login", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_callback_refuses_a_request_token_without_the_unused_state_this_browsers_login_was_given()
    {
        await using var kite = new KiteHarness(loggedIn: false);
        await using var login = await LoginHarness.StartAsync(servers, kite, "kite_login_state");
        var ct = TestContext.Current.CancellationToken;
        using var otherBrowser = login.NewBrowser();
        using var othersLogin = await otherBrowser.GetAsync("/api/brokers/kite/login", ct);
        const string Callback = "/api/brokers/kite/callback?action=login&status=success";

        using var withoutState = await login.Browser.GetAsync($"{Callback}&request_token=Rq7token50", ct);
        using var guessedState = await login.Browser.GetAsync($"{Callback}&request_token=Rq7token51&state=Rq7guess", ct);
        using var othersState = await login.Browser.GetAsync($"{Callback}&request_token=Rq7token52&{LoginHarness.RedirectParams(othersLogin)}", ct);
        var sessionAfterRefusals = kite.Session.AccessToken;
        using var loggedIn = await otherBrowser.GetAsync($"{Callback}&request_token=Rq7token53&{LoginHarness.RedirectParams(othersLogin)}", ct);
        // Someone who copied that browser's callback and cookie replays them with a request token of their own.
        using var replayer = login.NewBrowser(handleCookies: false);
        var cookie = Assert.Single(othersLogin.Headers.GetValues("Set-Cookie"));
        replayer.DefaultRequestHeaders.Add("Cookie", cookie.Split(';')[0]);
        using var replayed = await replayer.GetAsync($"{Callback}&request_token=Rq7token54&{LoginHarness.RedirectParams(othersLogin)}", ct);

        foreach (var refused in new[] { withoutState, guessedState, othersState, replayed })
        {
            var message = await Problems.AssertFieldProblemAsync(refused, "state");
            Assert.Contains("log in again at /api/brokers/kite/login", message, StringComparison.Ordinal);
        }
        // The refused request tokens never reached the Ingestor, which would have put them in force.
        Assert.Null(sessionAfterRefusals);
        Assert.Equal(HttpStatusCode.OK, loggedIn.StatusCode);
        Assert.Matches("^https://kite\\.example/connect/login\\?v=3&api_key=test_api_key&redirect_params=state%3D[A-Za-z0-9_-]{43}$",
            othersLogin.Headers.Location?.ToString());
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_callback_names_what_is_wrong_with_the_redirect_and_login_needs_an_api_key()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "kite_login_invalid", migrate: false);
        await using var factory = new ServiceFactory<api::Program>(database.ConnectionString, servers.Redis.CreateDatabase());
        using var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var ct = TestContext.Current.CancellationToken;

        using var missing = await browser.GetAsync("/api/brokers/kite/callback?status=success", ct);
        using var cancelled = await browser.GetAsync("/api/brokers/kite/callback?request_token=abc&status=cancelled", ct);
        using var login = await browser.GetAsync("/api/brokers/kite/login", ct);

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("request_token", await missing.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, cancelled.StatusCode);
        Assert.Contains("\"status\"", await cancelled.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, login.StatusCode);
        Assert.Contains("Kite:ApiKey", await login.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    /// <summary>The Api in memory and, against the same Redis, the Ingestor's command consumer with the login handler.</summary>
    private sealed class LoginHarness : IAsyncDisposable
    {
        private StorageTestDatabase _database = null!;
        private WebApplicationFactory<api::Program> _api = null!;
        private CommandConsumer _consumer = null!;

        public ConnectionMultiplexer Redis { get; private set; } = null!;

        public HttpClient Browser { get; private set; } = null!;

        public RecordingLoggerProvider ApiLogs { get; } = new();

        public static async Task<LoginHarness> StartAsync(TestServers servers, KiteHarness kite, string purpose)
        {
            var harness = new LoginHarness();
            var redis = servers.Redis.CreateDatabase();
            harness._database = await StorageTestDatabase.CreateAsync(servers, purpose, migrate: false);
            harness.Redis = await ConnectionMultiplexer.ConnectAsync(redis);
            harness._api = new ServiceFactory<api::Program>(harness._database.ConnectionString, redis, new Dictionary<string, string?>
            {
                ["Kite:ApiKey"] = SimulatorFactory.ApiKey,
                ["Kite:LoginUrl"] = "https://kite.example/connect/login",
                ["Logging:LogLevel:Default"] = "Trace",
            }).WithWebHostBuilder(builder => builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(harness.ApiLogs)));
            harness.Browser = harness.NewBrowser();

            var store = new KiteSessionStore(harness.Redis, kite.Options, TimeProvider.System);
            var handler = new KiteLoginHandler(kite.Client, kite.Session, store, TimeProvider.System, kite.LoggerFactory.CreateLogger<KiteLoginHandler>());
            harness._consumer = new CommandConsumer(harness.Redis, [handler],
                Options.Create(new CommandStreamOptions { PollInterval = TimeSpan.FromMilliseconds(20) }),
                TimeProvider.System, kite.LoggerFactory.CreateLogger<CommandConsumer>());
            await harness._consumer.StartAsync(TestContext.Current.CancellationToken);
            return harness;
        }

        /// <summary>What Kite's login page echoes back to the callback: the decoded <c>redirect_params</c> of the /login redirect.</summary>
        public static string RedirectParams(HttpResponseMessage loginRedirect) =>
            QueryHelpers.ParseQuery(loginRedirect.Headers.Location?.Query).GetValueOrDefault("redirect_params").ToString();

        /// <summary>A browser of its own: its own cookies, redirects not followed.</summary>
        public HttpClient NewBrowser(bool handleCookies = true) =>
            _api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = handleCookies });

        /// <summary>
        /// Logs in as <see cref="Browser"/> and Kite do: /login, then Kite's redirect to the callback with a request token,
        /// the status and the redirect_params it was given.
        /// </summary>
        public async Task<HttpResponseMessage> LogInAsync(string requestToken)
        {
            var ct = TestContext.Current.CancellationToken;
            using var redirect = await Browser.GetAsync("/api/brokers/kite/login", ct);
            Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
            return await Browser.GetAsync($"/api/brokers/kite/callback?request_token={requestToken}&action=login&status=success&{RedirectParams(redirect)}", ct);
        }

        public async ValueTask DisposeAsync()
        {
            await _consumer.StopAsync(CancellationToken.None);
            _consumer.Dispose();
            Browser.Dispose();
            await _api.DisposeAsync();
            await Redis.DisposeAsync();
            await _database.DisposeAsync();
        }
    }
}
