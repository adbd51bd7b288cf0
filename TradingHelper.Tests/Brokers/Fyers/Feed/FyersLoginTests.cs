using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TradingHelper.Core.Brokers;
using TradingHelper.Core.Commands;
using TradingHelper.Ingestor.Brokers.Fyers;
using TradingHelper.Tests.Infrastructure;

namespace TradingHelper.Tests.Brokers.Fyers.Feed;

/// <summary>
/// The daily Fyers login end to end: the Api's redirect to the simulator's <c>generate-authcode</c>, its redirect back with
/// an auth code, the Api handing it to a <c>Broker:Kind=fyers</c> Ingestor over the command stream, and the token in force.
/// </summary>
public sealed class FyersLoginTests(TestServers servers)
{
    private const string Secret = "sim_fyers_secret";

    [Fact]
    public async Task A_login_through_the_api_puts_a_token_in_force_stores_it_encrypted_and_history_works_with_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var login = await FyersLoginRig.StartAsync(servers, "fyers_login_ok", Secret);

        using var callback = await login.LogInAsync();
        var body = await callback.Content.ReadAsStringAsync(ct);

        Assert.Equal(HttpStatusCode.OK, callback.StatusCode);
        Assert.Contains("Logged in to Fyers until", body, StringComparison.Ordinal);
        var session = login.Rig.Services.GetRequiredService<FyersSession>();
        Assert.True(session.FromLogin);
        var accessToken = session.AccessToken!;
        Assert.StartsWith(FyersLoginRig.AppId + ":", accessToken, StringComparison.Ordinal);
        Assert.DoesNotContain(accessToken[(FyersLoginRig.AppId.Length + 1)..], body, StringComparison.Ordinal);
        // No Fyers:AccessToken is configured: the history call authenticates with the login's token.
        var to = DateTimeOffset.UtcNow;
        Assert.NotEmpty(await login.Rig.Services.GetRequiredService<FyersHistoryClient>()
            .GetHistoryAsync("NSE:INFY-EQ", "1", to.AddMinutes(-10), to, withOpenInterest: false, ct));
        var status = await login.Browser.GetFromJsonAsync<BrokerSessionStatus>("/api/brokers/fyers/session", CommandJson.Options, ct);
        Assert.True(status is { Valid: true, ExpiresAt: { } expiresAt } && expiresAt > DateTimeOffset.UtcNow, body);
        using var redis = await ConnectionMultiplexer.ConnectAsync(login.Rig.Redis);
        var stored = (string?)await redis.GetDatabase().StringGetAsync(BrokerSessionKeys.Token("fyers"));
        Assert.DoesNotContain(accessToken[(FyersLoginRig.AppId.Length + 1)..], stored, StringComparison.Ordinal);
        // What a restarted Ingestor reads back.
        var restored = await new FyersSessionStore(redis, Options.Create(new FyersOptions { SecretKey = Secret }), TimeProvider.System).LoadTokenAsync();
        Assert.Equal(accessToken, restored?.AccessToken);
    }

    [Fact]
    public async Task A_callback_replayed_or_from_another_browser_never_reaches_the_ingestor()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var login = await FyersLoginRig.StartAsync(servers, "fyers_login_state", Secret);
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
        await using var login = await FyersLoginRig.StartAsync(servers, "fyers_login_refused", "wrong_secret");

        using var callback = await login.LogInAsync();
        var problem = await callback.Content.ReadAsStringAsync(ct);

        Assert.Equal(HttpStatusCode.BadGateway, callback.StatusCode);
        Assert.Contains("Invalid app id hash", problem, StringComparison.Ordinal);
        Assert.False(login.Rig.Services.GetRequiredService<FyersSession>().FromLogin);
        var status = await login.Browser.GetFromJsonAsync<BrokerSessionStatus>("/api/brokers/fyers/session", CommandJson.Options, ct);
        Assert.False(status!.Valid);
        Assert.DoesNotContain("wrong_secret", problem, StringComparison.Ordinal);
    }
}
