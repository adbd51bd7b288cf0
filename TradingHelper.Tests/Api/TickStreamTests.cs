using System.Diagnostics.Metrics;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TradingHelper.Core.Streaming;

namespace TradingHelper.Tests.Api;

public sealed class TickStreamTests(ApiTestContext context) : IClassFixture<ApiTestContext>
{
    private static readonly DateTimeOffset MarketOpen = new(2026, 11, 25, 3, 45, 0, TimeSpan.Zero);
    // A hang guard, not a timed assertion: every wait in these tests ends with this token.
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task A_slow_client_gets_the_latest_tick_per_instrument_and_never_holds_up_the_others()
    {
        await using var api = context.Start();
        var gates = new Dictionary<string, SendGate> { ["slow"] = new() };
        using var server = api.Factory.WithWebHostBuilder(host => host.ConfigureServices(services => services.AddSingleton(SendGate.Filter(gates)))).Server;
        using var meters = new MeterRecorder(server.Services.GetRequiredService<IMeterFactory>(), "TradingHelper.Api");
        int[] tokens = [101, 102, 103];
        using var fast1 = await ConnectAsync(server);
        using var fast2 = await ConnectAsync(server);
        using var slow = await ConnectAsync(server, "?gate=slow");
        foreach (var client in new[] { fast1, fast2, slow })
        {
            await client.SubscribeAsync(tokens, Ct);
        }
        Assert.Equal(3, meters.Total("tradinghelper.websocket.clients"));

        gates["slow"].Pause();
        const int rounds = 200;
        var publisher = Publisher(api);
        for (var round = 0; round < rounds; round++)
        {
            await publisher.PublishAsync(tokens.Select(token => Tick(token, Price(token, round), round)).ToArray());
        }
        var latest = tokens.ToDictionary(token => token, token => Price(token, rounds - 1));

        // The slow client's sender is stuck in a send; the fast ones must still get every last price.
        await gates["slow"].Blocked.WaitAsync(Ct);
        await fast1.ReceiveUntilLatestAsync(latest, Ct);
        await fast2.ReceiveUntilLatestAsync(latest, Ct);

        gates["slow"].Resume();
        await slow.ReceiveUntilLatestAsync(latest, Ct);

        foreach (var fast in new[] { fast1, fast2 })
        {
            foreach (var token in tokens)
            {
                var prices = fast.Ticks.Where(tick => tick.Token == token).Select(tick => tick.Ltp).ToList();
                Assert.Equal(prices.Order(), prices);
            }
        }
        // At most the batch caught in the held send, then one conflated tick per instrument.
        Assert.InRange(slow.Ticks.Count, tokens.Length, 2 * tokens.Length);
        Assert.Equal(latest, slow.LatestLtp);
        Assert.InRange(meters.Total("tradinghelper.websocket.ticks_conflated"), rounds * tokens.Length - slow.Ticks.Count, 3 * rounds * tokens.Length);
    }

    [Fact(Timeout = 60_000)]
    public async Task Subscribing_sends_the_latest_quote_first_then_live_ticks()
    {
        await using var api = context.Start();
        var publisher = Publisher(api);
        // Ticks from before anyone listened live only in the quotes hash. Published on a channel the Api does not read,
        // so a fan-out that reads its subscription late cannot pass them off as live ticks.
        var earlier = new LiveTickPublisher(context.Redis, Options.Create(new LiveTickOptions { Channel = $"{api.TickChannel}:before", QuotesKey = api.QuotesKey }));
        await earlier.PublishAsync([Tick(7, 100.05m, 0), Tick(8, 200m, 0)]);
        await earlier.PublishAsync([Tick(7, 101.10m, 1)]);
        using var client = await ConnectAsync(api.Factory.Server);

        await client.SendAsync("""{"action":"subscribe","tokens":[7,9]}""", Ct);
        var subscribed = await client.ReceiveUntilAsync("subscribed", Ct);
        var quote = await client.ReceiveUntilAsync("ticks", Ct);
        await publisher.PublishAsync([Tick(8, 201m, 2), Tick(7, 102.15m, 2)]);
        await client.ReceiveUntilLatestAsync(new Dictionary<int, decimal> { [7] = 102.15m }, Ct);

        Assert.Equal([7, 9], subscribed.GetProperty("tokens").EnumerateArray().Select(token => token.GetInt32()));
        var first = Assert.Single(quote.GetProperty("ticks").EnumerateArray());
        Assert.Equal(7, first.GetProperty("token").GetInt32());
        Assert.Equal(101.10m, first.GetProperty("ltp").GetDecimal());
        Assert.Equal(MarketOpen.AddSeconds(1), first.GetProperty("time").GetDateTimeOffset());
        Assert.Equal([(7, 101.10m), (7, 102.15m)], client.Ticks);
    }

    [Fact(Timeout = 60_000)]
    public async Task Unsubscribed_instruments_stop_arriving()
    {
        await using var api = context.Start();
        var publisher = Publisher(api);
        using var client = await ConnectAsync(api.Factory.Server);
        await client.SubscribeAsync([1, 2], Ct);

        await client.SendAsync("""{"action":"unsubscribe","tokens":[1]}""", Ct);
        await client.ReceiveUntilAsync("unsubscribed", Ct);
        await publisher.PublishAsync([Tick(1, 10m, 0), Tick(2, 20m, 0)]);
        await client.ReceiveUntilLatestAsync(new Dictionary<int, decimal> { [2] = 20m }, Ct);

        Assert.Equal([(2, 20m)], client.Ticks);
    }

    [Fact(Timeout = 60_000)]
    public async Task Bad_client_messages_get_an_error_and_the_socket_stays_open()
    {
        await using var api = context.Start(("Api:WebSocket:MaxTokensPerClient", "3"), ("Api:WebSocket:MaxMessageBytes", "256"));
        using var client = await ConnectAsync(api.Factory.Server);
        string[] bad =
        [
            "not json",
            """{"action":"dance","tokens":[1]}""",
            """{"action":"subscribe"}""",
            """{"action":"subscribe","tokens":["abc"]}""",
            """{"action":"subscribe","tokens":[1.5]}""",
            """{"action":"subscribe","tokens":[-4]}""",
            """{"action":"subscribe","tokens":[1,2,3,4]}""",
            """[1,2]""",
            $$"""{"action":"subscribe","tokens":[1],"padding":"{{new string('x', 300)}}"}""",
        ];

        foreach (var message in bad)
        {
            await client.SendAsync(message, Ct);
            var answer = await client.ReceiveAsync(Ct);
            Assert.Equal("error", answer.GetProperty("type").GetString());
            Assert.False(string.IsNullOrWhiteSpace(answer.GetProperty("message").GetString()));
        }
        await client.Socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, Ct);
        Assert.Equal("error", (await client.ReceiveAsync(Ct)).GetProperty("type").GetString());
        await client.SubscribeAsync([1, 2], Ct);
        await client.SendAsync("""{"action":"subscribe","tokens":[3,4]}""", Ct);
        Assert.Contains("At most 3", (await client.ReceiveAsync(Ct)).GetProperty("message").GetString(), StringComparison.Ordinal);

        await Publisher(api).PublishAsync([Tick(2, 55.5m, 0)]);
        await client.ReceiveUntilLatestAsync(new Dictionary<int, decimal> { [2] = 55.5m }, Ct);
        Assert.Equal(WebSocketState.Open, client.Socket.State);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_client_over_the_cap_is_closed_with_a_policy_violation()
    {
        await using var api = context.Start(("Api:WebSocket:MaxClients", "1"));
        using var first = await ConnectAsync(api.Factory.Server);
        await first.SubscribeAsync([1], Ct);

        using var second = await ConnectAsync(api.Factory.Server);
        var result = await second.Socket.ReceiveAsync(new byte[256], Ct);

        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, result.CloseStatus);
        await first.SubscribeAsync([2], Ct);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_plain_http_request_gets_a_problem()
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();

        using var response = await client.GetAsync("/api/ws/ticks", Ct);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private LiveTickPublisher Publisher(ApiUnderTest api) =>
        new(context.Redis, Options.Create(new LiveTickOptions { Channel = api.TickChannel, QuotesKey = api.QuotesKey }));

    private static async Task<TickSocket> ConnectAsync(TestServer server, string query = "")
    {
        var socket = await server.CreateWebSocketClient().ConnectAsync(new Uri(server.BaseAddress, "api/ws/ticks" + query), Ct);
        return new TickSocket(socket);
    }

    private static decimal Price(int token, int round) => token * 100 + round + 0.05m;

    private static LiveTick Tick(int token, decimal ltp, int second) => new(
        token, MarketOpen.AddSeconds(second), ltp, Volume: 1_000 + second, Oi: 50_000, Bid: ltp - 0.05m, Ask: ltp + 0.05m,
        BidQty: 75, AskQty: 150, Avg: ltp, LastQty: 25);
}
