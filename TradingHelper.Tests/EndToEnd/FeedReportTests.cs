using System.Text.Json;
using TradingHelper.Tests.Infrastructure;

namespace TradingHelper.Tests.EndToEnd;

/// <summary>Issue 14.4: the Ingestor reports its broker feed through Redis and GET /api/market says why prices stand still; real simulator sockets.</summary>
public sealed class FeedReportTests(TestServers servers)
{
    private static readonly Dictionary<string, string?> FastReports = new() { ["FeedReport:Interval"] = "00:00:00.200" };

    [Fact]
    public async Task The_feed_report_follows_the_Ingestor_from_idle_to_live_to_login_needed_to_gone()
    {
        await using var rig = await MarketRig.StartAsync(servers, "feed_report", ingestorSettings: FastReports);
        rig.StartApi();
        using var api = rig.CreateApiClient();
        var feed = await FeedAsync(api);
        Assert.Equal("no-ingestor", feed.GetProperty("state").GetString());

        rig.StartIngestor();
        await MarketRig.UntilAsync(() => FeedAsync(api), f => f.GetProperty("state").GetString() == "idle", "the Ingestor reports an idle feed", F);

        var future = await MarketRig.UntilAsync(() => MarketRig.GetJsonAsync(api, "/api/instruments?underlying=NIFTY&type=FUT"),
            page => page.GetProperty("total").GetInt32() > 0, "the start-up sync brings the NIFTY future", page => page.ToString());
        var token = future.GetProperty("items")[0].GetProperty("token").GetInt32();
        await MarketRig.PostAcceptedAsync(api, "/api/instruments/subscribe", new { tokens = new[] { token }, mode = "full" });
        var live = await MarketRig.UntilAsync(() => FeedAsync(api),
            f => f.GetProperty("state").GetString() == "live" && f.GetProperty("lastTickAt").ValueKind == JsonValueKind.String,
            "the feed is live with a last tick", F);
        Assert.Equal("1 connections up, 1 instruments", live.GetProperty("reason").GetString());

        // The simulator refuses the token on the next handshake, as Kite does after 06:00 IST: the session is gone.
        await rig.FaultAsync("token-error", count: 10_000);
        await rig.FaultAsync("close");
        var login = await MarketRig.UntilAsync(() => FeedAsync(api), f => f.GetProperty("state").GetString() == "login-needed",
            "the feed needs a login", F);
        Assert.Contains("no Kite login", login.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("/api/brokers/kite/login", login.GetProperty("login").GetString());

        await rig.StopIngestorAsync();
        feed = await FeedAsync(api);
        Assert.Equal("no-ingestor", feed.GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_broker_that_cannot_be_reached_is_reported_disconnected_with_the_reason()
    {
        await using var rig = await MarketRig.StartAsync(servers, "feed_report_down", ingestorSettings: new Dictionary<string, string?>(FastReports)
        {
            // Nothing listens there: every dial is refused, while the REST side (instrument master) still answers.
            ["Kite:TickerUrl"] = $"ws://127.0.0.1:{FreePort.Next()}/",
        });
        rig.StartIngestor();
        rig.StartApi();
        using var api = rig.CreateApiClient();
        var future = await MarketRig.UntilAsync(() => MarketRig.GetJsonAsync(api, "/api/instruments?underlying=NIFTY&type=FUT"),
            page => page.GetProperty("total").GetInt32() > 0, "the start-up sync brings the NIFTY future", page => page.ToString());
        var token = future.GetProperty("items")[0].GetProperty("token").GetInt32();
        await MarketRig.PostAcceptedAsync(api, "/api/instruments/subscribe", new { tokens = new[] { token }, mode = "full" });

        var down = await MarketRig.UntilAsync(() => FeedAsync(api), f => f.GetProperty("state").GetString() == "disconnected",
            "the feed is reported disconnected", F);
        Assert.StartsWith("connection 0 ", down.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, down.GetProperty("lastTickAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, down.GetProperty("login").ValueKind);
    }

    private static async Task<JsonElement> FeedAsync(HttpClient api) => (await MarketRig.GetJsonAsync(api, "/api/market")).GetProperty("feed");

    private static string F(JsonElement feed) => feed.ToString();
}
