extern alias api;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TradingHelper.Core.Brokers;
using TradingHelper.Core.Brokers.Kite;
using TradingHelper.Core.Commands;
using TradingHelper.Ingestor.Brokers.Kite;
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

        using var redirect = await login.Browser.GetAsync("/api/brokers/kite/login", ct);
        using var callback = await login.Browser.GetAsync("/api/brokers/kite/callback?request_token=Rq7token42&action=login&status=success", ct);
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

        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("https://kite.example/connect/login?v=3&api_key=test_api_key", redirect.Headers.Location?.ToString());
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

        using var callback = await login.Browser.GetAsync("/api/brokers/kite/callback?request_token=Rq7token43&status=success", ct);
        var problem = await callback.Content.ReadAsStringAsync(ct);

        Assert.Equal(HttpStatusCode.BadGateway, callback.StatusCode);
        Assert.Contains("checksum", problem, StringComparison.Ordinal);
        Assert.Null(kite.Session.AccessToken);
        Assert.False(await login.Redis.GetDatabase().KeyExistsAsync(BrokerSessionKeys.Token("kite")));
        Assert.DoesNotContain("wrong_secret", kite.Logs.AllText + login.ApiLogs.AllText, StringComparison.Ordinal);
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
            harness.Browser = harness._api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

            var store = new KiteSessionStore(harness.Redis, kite.Options, TimeProvider.System);
            var handler = new KiteLoginHandler(kite.Client, kite.Session, store, TimeProvider.System, kite.LoggerFactory.CreateLogger<KiteLoginHandler>());
            harness._consumer = new CommandConsumer(harness.Redis, [handler],
                Options.Create(new CommandStreamOptions { PollInterval = TimeSpan.FromMilliseconds(20) }),
                TimeProvider.System, kite.LoggerFactory.CreateLogger<CommandConsumer>());
            await harness._consumer.StartAsync(TestContext.Current.CancellationToken);
            return harness;
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
