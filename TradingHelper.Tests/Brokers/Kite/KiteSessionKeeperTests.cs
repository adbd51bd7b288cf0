using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using System.Text.Json;
using TradingHelper.Core.Brokers;
using TradingHelper.Core.Commands;
using TradingHelper.Core.Market;
using TradingHelper.Ingestor.Brokers;
using TradingHelper.Ingestor.Brokers.Kite;
using TradingHelper.Tests.Infrastructure;

namespace TradingHelper.Tests.Brokers.Kite;

public sealed class KiteSessionKeeperTests(TestServers servers) : IAsyncLifetime
{
    private static readonly DateTimeOffset Morning = new(2026, 1, 5, 10, 0, 0, IndianMarket.IstOffset);
    private readonly FakeTimeProvider _clock = new(Morning);
    private ConnectionMultiplexer _redis = null!;

    public async ValueTask InitializeAsync() => _redis = await ConnectionMultiplexer.ConnectAsync(servers.Redis.CreateDatabase());

    public async ValueTask DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task A_stored_token_is_restored_after_a_restart_and_dies_at_0600_ist()
    {
        var expiresAt = new DateTimeOffset(2026, 1, 6, 6, 0, 0, IndianMarket.IstOffset);
        Assert.True(await Store().SaveTokenAsync("restored_token", expiresAt));
        var session = new KiteSession();
        var keeper = Keeper(session);

        await keeper.RestoreAsync();
        await keeper.CheckAsync();
        var before = await StatusAsync();
        _clock.SetUtcNow(expiresAt);
        await keeper.CheckAsync();
        var after = await StatusAsync();

        Assert.Equal(new BrokerSessionStatus(true, expiresAt, null, Morning), before);
        Assert.Null(session.AccessToken);
        Assert.Equal(KiteSessionKeeper.ExpiredProblem, session.Problem);
        Assert.False(after!.Valid);
        Assert.Equal(KiteSessionKeeper.ExpiredProblem, after.Problem);
    }

    [Fact]
    public async Task A_token_rejected_here_is_not_reloaded_but_a_new_login_stored_by_another_ingestor_is()
    {
        var expiresAt = new DateTimeOffset(2026, 1, 6, 6, 0, 0, IndianMarket.IstOffset);
        await Store().SaveTokenAsync("first_token", expiresAt);
        var session = new KiteSession();
        var keeper = Keeper(session);
        await keeper.RestoreAsync();
        await keeper.CheckAsync();

        session.Invalidate("Kite rejected the access token with TokenException");
        await keeper.CheckAsync();
        var afterRejection = session.AccessToken;
        await Store().SaveTokenAsync("second_token", expiresAt);
        await keeper.CheckAsync();

        Assert.Null(afterRejection);
        Assert.Equal("second_token", session.AccessToken);
    }

    [Fact]
    public async Task A_token_stored_under_another_secret_is_ignored()
    {
        await Store().SaveTokenAsync("secret_token", Morning.AddHours(3));

        var loaded = await Store("another_secret").LoadTokenAsync();

        Assert.Null(loaded);
        Assert.DoesNotContain("secret_token", (string?)await _redis.GetDatabase().StringGetAsync(BrokerSessionKeys.Token("kite")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_configured_simulator_token_is_used_when_nothing_is_stored()
    {
        var session = new KiteSession();

        await Keeper(session, accessToken: "sim_access_token").RestoreAsync();

        Assert.Equal("sim_access_token", session.AccessToken);
        Assert.Null(session.ExpiresAt);
    }

    private KiteSessionStore Store(string secret = "keeper_secret") =>
        new(_redis, Options.Create(new KiteOptions { ApiKey = "key", ApiSecret = secret }), _clock);

    private KiteSessionKeeper Keeper(KiteSession session, string? accessToken = null) =>
        new(session, Store(), Options.Create(new KiteOptions { ApiKey = "key", ApiSecret = "keeper_secret", AccessToken = accessToken }),
            Options.Create(new KiteRestOptions()), Options.Create(new BrokerOptions { Kind = "simulator" }), _clock,
            LoggerFactory.Create(_ => { }).CreateLogger<KiteSessionKeeper>());

    private async Task<BrokerSessionStatus?> StatusAsync()
    {
        var json = (string?)await _redis.GetDatabase().StringGetAsync(BrokerSessionKeys.Status("kite"));
        return json is null ? null : JsonSerializer.Deserialize<BrokerSessionStatus>(json, CommandJson.Options);
    }
}
