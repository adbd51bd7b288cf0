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
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_slow_client_gets_the_latest_tick_per_instrument_and_never_holds_up_the_others()
    {
        await using var api = context.Start();
        var gates = new Dictionary<string, SendGate> { ["slow"] = new() };
        using var server = api.Factory.WithWebHostBuilder(host => host.ConfigureServices(services => services.AddSingleton(SendGate.Filter(gates)))).Server;
        int[] tokens = [101, 102, 103];
        using var fast1 = await ConnectAsync(server);
        using var fast2 = await ConnectAsync(server);
        using var slow = await ConnectAsync(server, "?gate=slow");
        foreach (var client in new[] { fast1, fast2, slow })
        {
            await client.SubscribeAsync(tokens, _ct);
        }

        gates["slow"].Pause();
        const int rounds = 200;
        var publisher = Publisher(api);
        for (var round = 0; round < rounds; round++)
        {
            await publisher.PublishAsync(tokens.Select(token => Tick(token, Price(token, round), round)).ToArray());
        }
        var latest = tokens.ToDictionary(token => token, token => Price(token, rounds - 1));

        // The slow client's sender is stuck in a send; the fast ones must still get every last price.
        await gates["slow"].Blocked.WaitAsync(_ct);
        await fast1.ReceiveUntilLatestAsync(latest, _ct);
        await fast2.ReceiveUntilLatestAsync(latest, _ct);

        gates["slow"].Resume();
        await slow.ReceiveUntilLatestAsync(latest, _ct);

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
    }

    [Fact]
    public async Task Subscribing_sends_the_latest_quote_first_then_live_ticks()
    {
        await using var api = context.Start();
        var publisher = Publisher(api);
        // Published before anyone listens: only the quotes hash keeps them.
        await publisher.PublishAsync([Tick(7, 100.05m, 0), Tick(8, 200m, 0)]);
        await publisher.PublishAsync([Tick(7, 101.10m, 1)]);
        using var client = await ConnectAsync(api.Factory.Server);

        await client.SendAsync("""{"action":"subscribe","tokens":[7,9]}""", _ct);
        var subscribed = await client.ReceiveUntilAsync("subscribed", _ct);
        var quote = await client.ReceiveUntilAsync("ticks", _ct);
        await publisher.PublishAsync([Tick(8, 201m, 2), Tick(7, 102.15m, 2)]);
        await client.ReceiveUntilLatestAsync(new Dictionary<int, decimal> { [7] = 102.15m }, _ct);

        Assert.Equal([7, 9], subscribed.GetProperty("tokens").EnumerateArray().Select(token => token.GetInt32()));
        var first = Assert.Single(quote.GetProperty("ticks").EnumerateArray());
        Assert.Equal(7, first.GetProperty("token").GetInt32());
        Assert.Equal(101.10m, first.GetProperty("ltp").GetDecimal());
        Assert.Equal(MarketOpen.AddSeconds(1), first.GetProperty("time").GetDateTimeOffset());
        Assert.Equal([(7, 101.10m), (7, 102.15m)], client.Ticks);
    }

    [Fact]
    public async Task Unsubscribed_instruments_stop_arriving()
    {
        await using var api = context.Start();
        var publisher = Publisher(api);
        using var client = await ConnectAsync(api.Factory.Server);
        await client.SubscribeAsync([1, 2], _ct);

        await client.SendAsync("""{"action":"unsubscribe","tokens":[1]}""", _ct);
        await client.ReceiveUntilAsync("unsubscribed", _ct);
        await publisher.PublishAsync([Tick(1, 10m, 0), Tick(2, 20m, 0)]);
        await client.ReceiveUntilLatestAsync(new Dictionary<int, decimal> { [2] = 20m }, _ct);

        Assert.Equal([(2, 20m)], client.Ticks);
    }

    [Fact]
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
            await client.SendAsync(message, _ct);
            var answer = await client.ReceiveAsync(_ct);
            Assert.Equal("error", answer.GetProperty("type").GetString());
            Assert.False(string.IsNullOrWhiteSpace(answer.GetProperty("message").GetString()));
        }
        await client.Socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, _ct);
        Assert.Equal("error", (await client.ReceiveAsync(_ct)).GetProperty("type").GetString());
        await client.SubscribeAsync([1, 2], _ct);
        await client.SendAsync("""{"action":"subscribe","tokens":[3,4]}""", _ct);
        Assert.Contains("At most 3", (await client.ReceiveAsync(_ct)).GetProperty("message").GetString(), StringComparison.Ordinal);

        await Publisher(api).PublishAsync([Tick(2, 55.5m, 0)]);
        await client.ReceiveUntilLatestAsync(new Dictionary<int, decimal> { [2] = 55.5m }, _ct);
        Assert.Equal(WebSocketState.Open, client.Socket.State);
    }

    [Fact]
    public async Task A_client_over_the_cap_is_closed_with_a_policy_violation()
    {
        await using var api = context.Start(("Api:WebSocket:MaxClients", "1"));
        using var first = await ConnectAsync(api.Factory.Server);
        await first.SubscribeAsync([1], _ct);

        using var second = await ConnectAsync(api.Factory.Server);
        var result = await second.Socket.ReceiveAsync(new byte[256], _ct);

        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, result.CloseStatus);
        await first.SubscribeAsync([2], _ct);
    }

    [Fact]
    public async Task A_plain_http_request_gets_a_problem()
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();

        using var response = await client.GetAsync("/api/ws/ticks", _ct);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private LiveTickPublisher Publisher(ApiUnderTest api) =>
        new(context.Redis, Options.Create(new LiveTickOptions { Channel = api.TickChannel, QuotesKey = api.QuotesKey }));

    private async Task<TickSocket> ConnectAsync(TestServer server, string query = "")
    {
        var socket = await server.CreateWebSocketClient().ConnectAsync(new Uri(server.BaseAddress, "api/ws/ticks" + query), _ct);
        return new TickSocket(socket);
    }

    private static decimal Price(int token, int round) => token * 100 + round + 0.05m;

    private static LiveTick Tick(int token, decimal ltp, int second) => new(
        token, MarketOpen.AddSeconds(second), ltp, Volume: 1_000 + second, Oi: 50_000, Bid: ltp - 0.05m, Ask: ltp + 0.05m,
        BidQty: 75, AskQty: 150, Avg: ltp, LastQty: 25);
}
