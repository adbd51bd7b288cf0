using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using TradingHelper.Core.Brokers.Kite;

namespace TradingHelper.Tests.Simulator;

public sealed class SimulatorTickerTests
{
    private const uint Infy = 408065;
    private const uint Nifty = 256265;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Idle_socket_gets_one_byte_heartbeats()
    {
        await using var factory = new SimulatorFactory();
        var ct = TestContext.Current.CancellationToken;
        await using var ticker = await factory.ConnectTickerAsync(ct, path: "/ws");

        var first = await ticker.NextAsync(Wait, ct);
        var second = await ticker.NextAsync(Wait, ct);

        Assert.True(first?.IsHeartbeat);
        Assert.True(second?.IsHeartbeat);
        Assert.True(new KiteFrameReader(first!.Data).IsHeartbeat);
    }

    [Fact]
    public async Task Subscribe_pushes_one_quote_tick_at_once_then_full_mode_brings_depth()
    {
        await using var factory = new SimulatorFactory(new Dictionary<string, string?> { ["Simulator:TicksPerSecond"] = "40" });
        var ct = TestContext.Current.CancellationToken;
        await using var ticker = await factory.ConnectTickerAsync(ct);

        await ticker.SubscribeAsync(ct, Infy, Nifty);
        var snapshot = await ticker.FirstAsync(message => message.IsTickFrame, Wait, ct);
        await ticker.SetModeAsync(KiteMode.Full, ct, Infy, Nifty);
        var full = await ticker.FirstAsync(message => message.IsTickFrame && message.Ticks().Any(tick => tick.Kind == KitePacketKind.Full), Wait, ct);

        var quotes = snapshot!.Ticks();
        Assert.Equal([Nifty, Infy], quotes.Select(tick => tick.InstrumentToken).Order());
        Assert.Equal(KitePacketKind.Quote, quotes.Single(tick => tick.InstrumentToken == Infy).Kind);
        Assert.Equal(KitePacketKind.IndexQuote, quotes.Single(tick => tick.InstrumentToken == Nifty).Kind);
        var infy = full!.Ticks().First(tick => tick.Kind == KitePacketKind.Full);
        Assert.Equal(Infy, infy.InstrumentToken);
        Assert.NotNull(infy.ExchangeTime);
        Assert.False(infy.Bids[0].IsEmpty);
    }

    [Fact]
    public async Task Subscribing_past_the_limit_sends_an_error_text_and_keeps_the_socket()
    {
        await using var factory = new SimulatorFactory();
        var ct = TestContext.Current.CancellationToken;
        await using var ticker = await factory.ConnectTickerAsync(ct);

        await ticker.SubscribeAsync(ct, [.. Enumerable.Range(1, 2990).Select(i => (uint)i)]);
        await ticker.SubscribeAsync(ct, [.. Enumerable.Range(5000, 20).Select(i => (uint)i)]);
        var error = await ticker.FirstAsync(message => message.Type == WebSocketMessageType.Text, Wait, ct);
        var stillAlive = await ticker.FirstAsync(message => message.IsHeartbeat, Wait, ct);

        Assert.True(KiteTextMessage.TryParse(error!.Data, out var text, out _));
        Assert.Equal(KiteTextMessageType.Error, text.Kind);
        Assert.Equal("Can't subscribe to more than 3000 instruments.", text.DataText);
        Assert.NotNull(stillAlive);
        Assert.Equal(3000, (await StatsAsync(factory, ct)).GetProperty("connections")[0].GetProperty("subscriptions").GetInt32());
    }

    [Fact]
    public async Task Handshake_with_an_unknown_access_token_is_refused_with_403()
    {
        await using var factory = new SimulatorFactory();
        var ct = TestContext.Current.CancellationToken;

        var error = await Assert.ThrowsAnyAsync<Exception>(() => factory.ConnectTickerAsync(ct, "forged"));

        Assert.Contains("403", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_count_exactly_the_packets_the_client_received_per_token()
    {
        await using var factory = new SimulatorFactory(new Dictionary<string, string?> { ["Simulator:TicksPerSecond"] = "300", ["Simulator:MaxPacketsPerFrame"] = "7" });
        var ct = TestContext.Current.CancellationToken;
        await using var ticker = await factory.ConnectTickerAsync(ct);
        uint[] tokens = [Infy, Nifty, 2953217];
        var received = new Dictionary<uint, long>();

        await ticker.SubscribeAsync(ct, tokens);
        await ticker.SetModeAsync(KiteMode.Full, ct, Infy);
        await Task.Delay(TimeSpan.FromSeconds(1), ct);
        await ticker.UnsubscribeAsync(ct, tokens);
        // A heartbeat sent before the server applied the unsubscribe can precede more data, so the client reads until a
        // heartbeat the server sent after it: every data frame comes before that one on the socket.
        var unsubscribed = await UntilStatsAsync(factory, stats => stats.GetProperty("connections")[0].GetProperty("subscriptions").GetInt32() == 0, ct);
        var heartbeatsBefore = unsubscribed.GetProperty("connections")[0].GetProperty("heartbeatsSent").GetInt64();
        long heartbeats = 0;
        while (heartbeats <= heartbeatsBefore)
        {
            var message = await ticker.NextAsync(Wait, ct);
            Assert.NotNull(message);
            if (message.IsHeartbeat)
            {
                heartbeats++;
            }
            foreach (var tick in message.Ticks())
            {
                received[tick.InstrumentToken] = received.GetValueOrDefault(tick.InstrumentToken) + 1;
            }
        }

        var stats = await StatsAsync(factory, ct);
        var connection = stats.GetProperty("connections")[0];
        var sent = connection.GetProperty("packetsByToken").EnumerateObject().ToDictionary(p => uint.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture), p => p.Value.GetInt64());
        Assert.Equal(received.OrderBy(p => p.Key), sent.OrderBy(p => p.Key));
        Assert.True(received.Values.Sum() > 100);
        Assert.Equal(received.Values.Sum(), connection.GetProperty("packetsSent").GetInt64());
        Assert.Equal(received.Values.Sum(), stats.GetProperty("totalPackets").GetInt64());
    }

    [Fact]
    public async Task Close_fault_closes_every_socket()
    {
        await using var factory = new SimulatorFactory();
        var ct = TestContext.Current.CancellationToken;
        await using var first = await factory.ConnectTickerAsync(ct);
        await using var second = await factory.ConnectTickerAsync(ct);
        await ServingAsync(ct, first, second);

        var response = await FaultAsync(factory, new { kind = "close" }, ct);

        Assert.Equal(2, response.GetProperty("connections").GetInt32());
        foreach (var ticker in new[] { first, second })
        {
            var close = await ticker.FirstAsync(message => message.Type == WebSocketMessageType.Close, Wait, ct);
            Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, close?.CloseStatus);
        }
    }

    [Fact]
    public async Task Stall_fault_silences_the_socket_then_streaming_resumes()
    {
        await using var factory = new SimulatorFactory(new Dictionary<string, string?> { ["Simulator:TicksPerSecond"] = "100" });
        var ct = TestContext.Current.CancellationToken;
        await using var ticker = await factory.ConnectTickerAsync(ct);
        await ticker.SubscribeAsync(ct, Infy);
        Assert.NotNull(await ticker.FirstAsync(message => message.IsTickFrame, Wait, ct));

        // A long stall and wide margins: the stamps are taken by the client's reader, which a busy machine delays.
        await FaultAsync(factory, new { kind = "stall", seconds = 5 }, ct);
        var stalledAt = DateTimeOffset.UtcNow;
        TickerMessage? message;
        var lastBeforeResume = stalledAt;
        while ((message = await ticker.NextAsync(Wait * 2, ct)) is not null && message.At - lastBeforeResume < TimeSpan.FromSeconds(2))
        {
            lastBeforeResume = message.At;
        }

        // Frames already in flight when the fault landed may still arrive; after them, silence (not even heartbeats) until the stall ends.
        Assert.NotNull(message);
        Assert.True(lastBeforeResume - stalledAt < TimeSpan.FromSeconds(1.5), $"still streaming {lastBeforeResume - stalledAt} into the stall");
        Assert.True(message.At - lastBeforeResume >= TimeSpan.FromSeconds(3), $"silent for only {message.At - lastBeforeResume}");
        Assert.True(message.IsTickFrame);
    }

    [Theory]
    [InlineData("malformed")]
    [InlineData("truncated")]
    public async Task Broken_frame_faults_reach_the_decoder_as_counted_skips(string kind)
    {
        await using var factory = new SimulatorFactory();
        var ct = TestContext.Current.CancellationToken;
        await using var ticker = await factory.ConnectTickerAsync(ct);
        await ServingAsync(ct, ticker);

        var response = await FaultAsync(factory, new { kind, count = 2 }, ct);
        var broken = new List<TickerMessage>();
        for (var i = 0; i < 2; i++)
        {
            broken.Add((await ticker.FirstAsync(message => message.IsTickFrame, Wait, ct))!);
        }

        Assert.Equal(1, response.GetProperty("connections").GetInt32());
        foreach (var frame in broken)
        {
            var reader = new KiteFrameReader(frame.Data);
            Assert.False(reader.TryReadNext(out _));
            Assert.Equal(kind == "malformed" ? 1 : 0, reader.UnknownPackets);
            Assert.Equal(kind == "truncated" ? 1 : 0, reader.TruncatedPackets);
        }
        Assert.Equal(0, (await StatsAsync(factory, ct)).GetProperty("totalPackets").GetInt64());
    }

    [Fact]
    public async Task Token_error_fault_refuses_the_next_handshake_and_rest_call_then_heals()
    {
        await using var factory = new SimulatorFactory();
        var ct = TestContext.Current.CancellationToken;
        using var client = SimulatorRestTests.Authorized(factory);

        await FaultAsync(factory, new { kind = "token-error", count = 2 }, ct);
        var handshake = await Assert.ThrowsAnyAsync<Exception>(() => factory.ConnectTickerAsync(ct));
        using var refused = await client.GetAsync("/instruments", ct);
        using var healed = await client.GetAsync("/instruments", ct);
        await using var ticker = await factory.ConnectTickerAsync(ct);

        Assert.Contains("403", handshake.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("TokenException", (await SimulatorRestTests.ErrorAsync(refused, ct)).Type);
        Assert.Equal(HttpStatusCode.OK, healed.StatusCode);
    }

    [Fact]
    public async Task History_429_fault_answers_the_next_calls_with_network_exception()
    {
        await using var factory = new SimulatorFactory();
        var ct = TestContext.Current.CancellationToken;
        using var client = SimulatorRestTests.Authorized(factory);
        const string url = "/instruments/historical/408065/minute?from=2024-06-12+09:15:00&to=2024-06-12+09:20:00";

        await FaultAsync(factory, new { kind = "history-429", count = 2 }, ct);
        using var first = await client.GetAsync(url, ct);
        using var second = await client.GetAsync(url, ct);
        using var third = await client.GetAsync(url, ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, first.StatusCode);
        Assert.Equal(("NetworkException", "Too many requests"), await SimulatorRestTests.ErrorAsync(second, ct));
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
    }

    [Theory]
    [InlineData("""{"kind":"explode"}""", "kind")]
    [InlineData("""{"count":1}""", "kind")]
    [InlineData("""{"kind":"stall","seconds":0}""", "seconds")]
    [InlineData("""{"kind":"history-429","count":0}""", "count")]
    public async Task Bad_fault_request_is_a_validation_problem_naming_the_field(string body, string field)
    {
        await using var factory = new SimulatorFactory();
        using var client = factory.CreateClient();
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        using var response = await client.PostAsync("/_sim/faults", content, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _));
    }

    /// <summary>The client side of a handshake can finish before the server registers the socket; a heartbeat proves it is served.</summary>
    internal static async Task ServingAsync(CancellationToken ct, params TickerClient[] tickers)
    {
        foreach (var ticker in tickers)
        {
            Assert.NotNull(await ticker.FirstAsync(message => message.IsHeartbeat, Wait, ct));
        }
    }

    internal static async Task<JsonElement> FaultAsync(SimulatorFactory factory, object fault, CancellationToken ct)
    {
        using var client = factory.CreateClient();
        using var response = await client.PostAsJsonAsync("/_sim/faults", fault, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.Clone();
    }

    private static async Task<JsonElement> UntilStatsAsync(SimulatorFactory factory, Func<JsonElement, bool> done, CancellationToken ct)
    {
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(ct);
        guard.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            var stats = await StatsAsync(factory, guard.Token);
            if (done(stats))
            {
                return stats;
            }
            await Task.Delay(20, guard.Token);
        }
    }

    internal static async Task<JsonElement> StatsAsync(SimulatorFactory factory, CancellationToken ct)
    {
        using var client = factory.CreateClient();
        return JsonDocument.Parse(await client.GetStringAsync("/_sim/stats", ct)).RootElement.Clone();
    }
}
