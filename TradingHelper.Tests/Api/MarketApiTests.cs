using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using TradingHelper.Core.Brokers;
using TradingHelper.Core.Commands;

namespace TradingHelper.Tests.Api;

/// <summary>GET /api/market's session: NSE's hours by the Ingestor's rule, at chosen IST instants whenever the test runs.</summary>
public sealed class MarketApiTests(ApiTestContext context) : IClassFixture<ApiTestContext>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory(Timeout = 60_000)]
    [InlineData("2026-12-05 10:00", "closed", "weekend", "2026-12-07T09:15:00+05:30", "2026-12-07T15:30:00+05:30", "NSE is closed for the weekend; opens Mon 07 Dec 09:15 IST")]
    [InlineData("2026-12-07 08:00", "closed", "before-open", "2026-12-07T09:15:00+05:30", "2026-12-07T15:30:00+05:30", "NSE is closed; opens Mon 07 Dec 09:15 IST")]
    [InlineData("2026-12-07 10:00", "open", null, "2026-12-07T09:15:00+05:30", "2026-12-07T15:30:00+05:30", "NSE is open until 15:30 IST (exchange holidays are not known)")]
    [InlineData("2026-12-04 15:30", "closed", "after-close", "2026-12-07T09:15:00+05:30", "2026-12-07T15:30:00+05:30", "NSE closed at 15:30 IST; opens Mon 07 Dec 09:15 IST")]
    public async Task A_broker_market_keeps_NSE_hours_and_says_when_it_opens_next(string ist, string state, string? reason, string opensAt, string closesAt, string description)
    {
        // Broker:MarketHours is auto: a broker's market keeps NSE's session, as it does for the Ingestor's gap backfills.
        var session = await SessionAtAsync(ist, ("Broker:Kind", "kite"));

        Assert.Equal(state, session.GetProperty("state").GetString());
        Assert.Equal("nse", session.GetProperty("hours").GetString());
        Assert.Equal(reason, session.GetProperty("reason").GetString());
        Assert.Equal(opensAt, session.GetProperty("opensAt").GetString());
        Assert.Equal(closesAt, session.GetProperty("closesAt").GetString());
        Assert.Equal(description, session.GetProperty("description").GetString());
    }

    [Fact(Timeout = 60_000)]
    public async Task The_simulator_trades_around_the_clock_and_never_claims_NSE_is_open()
    {
        var session = await SessionAtAsync("2026-12-05 10:00", ("Broker:Kind", "simulator"));

        Assert.Equal("open", session.GetProperty("state").GetString());
        Assert.Equal("always", session.GetProperty("hours").GetString());
        Assert.Equal(JsonValueKind.Null, session.GetProperty("opensAt").ValueKind);
        Assert.StartsWith("Open (simulated, around the clock)", session.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_simulator_on_NSE_hours_is_closed_as_a_simulated_market()
    {
        var session = await SessionAtAsync("2026-12-05 10:00", ("Broker:Kind", "simulator"), ("Broker:MarketHours", "nse"));

        Assert.Equal("closed", session.GetProperty("state").GetString());
        Assert.Equal("The simulated market is closed for the weekend; opens Mon 07 Dec 09:15 IST", session.GetProperty("description").GetString());
    }

    [Fact(Timeout = 60_000)]
    public async Task Without_an_Ingestor_report_the_feed_is_no_ingestor()
    {
        await using var api = context.Start(("Broker:Kind", "fyers"));
        using var client = api.Factory.CreateClient();

        using var market = JsonDocument.Parse(await client.GetStringAsync("/api/market", Ct));

        var feed = market.RootElement.GetProperty("feed");
        Assert.Equal("no-ingestor", feed.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, feed.GetProperty("reportedAt").ValueKind);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_fyers_feed_that_needs_a_login_links_the_fyers_login()
    {
        await using var api = context.Start(("Broker:Kind", "fyers"));
        using var client = api.Factory.CreateClient();
        var key = FeedReportKeys.Report("fyers");
        await context.Redis.GetDatabase().StringSetAsync(key, JsonSerializer.Serialize(
            new FeedReport("fyers", FeedState.LoginNeeded, "No Fyers access token: log in at /api/brokers/fyers/login", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow),
            CommandJson.Options));
        try
        {
            using var market = JsonDocument.Parse(await client.GetStringAsync("/api/market", Ct));

            var feed = market.RootElement.GetProperty("feed");
            Assert.Equal("login-needed", feed.GetProperty("state").GetString());
            Assert.Equal("/api/brokers/fyers/login", feed.GetProperty("login").GetString());
        }
        finally
        {
            // The class shares one Redis: the no-Ingestor test must find no Fyers report.
            await context.Redis.GetDatabase().KeyDeleteAsync(key);
        }
    }

    private async Task<JsonElement> SessionAtAsync(string ist, params (string Key, string? Value)[] settings)
    {
        var at = DateTimeOffset.ParseExact($"{ist} +05:30", "yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture);
        await using var api = context.Start(settings);
        using var client = api.Factory
            .WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(new ShiftedTimeProvider(at))))
            .CreateClient();

        using var market = JsonDocument.Parse(await client.GetStringAsync("/api/market", Ct));

        return market.RootElement.GetProperty("session").Clone();
    }
}
