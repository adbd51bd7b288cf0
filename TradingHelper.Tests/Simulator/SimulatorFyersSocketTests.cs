using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using TradingHelper.Core.Brokers.Fyers;

namespace TradingHelper.Tests.Simulator;

/// <summary>The simulator's Fyers data socket, read by the real decoder: auth, mode, subscribe, snapshots then updates, acks, faults.</summary>
public sealed class SimulatorFyersSocketTests
{
    private const string StaticKey = "0123456789abcdef0123456789abcdef0123456789abcdef01234567";
    private const string Infy = "sf|nse_cm|1594";
    private const string Nifty = "if|nse_cm|Nifty 50";
    private const string InfyDepth = "dp|nse_cm|1594";
    private const string Reliance = "sf|nse_cm|2885";

    [Fact]
    public async Task An_unknown_hsm_key_gets_N_and_the_socket_closes()
    {
        await using var factory = new SimulatorFactory();
        var ct = TestContext.Current.CancellationToken;
        using var socket = await ConnectAsync(factory, ct);

        await SendAsync(socket, buffer => FyersFrameWriter.WriteAuthentication(buffer, new string('f', 56), "test"), ct);

        var decoder = new FyersFeedDecoder();
        var (message, _) = await ReceiveAsync(socket, ct);
        var reply = decoder.Read(message);
        Assert.Equal((FyersMessageType.Authentication, FyersResponseStatus.Rejected), (reply.Type, reply.Status));
        var (_, type) = await ReceiveAsync(socket, ct);
        Assert.Equal(WebSocketMessageType.Close, type);
    }

    [Fact]
    public async Task Snapshots_then_updates_decode_and_match_the_per_topic_counts()
    {
        await using var factory = new SimulatorFactory(new Dictionary<string, string?> { ["Simulator:TicksPerSecond"] = "200" });
        var ct = TestContext.Current.CancellationToken;
        using var http = factory.CreateClient();
        var token = (await (await http.PostAsync("/_sim/fyers/token", null, ct)).Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("accessToken").GetString()!;
        var hsmKey = FyersAccessToken.Parse(token, TimeProvider.System).HsmKey;
        using var socket = await ConnectAsync(factory, ct);

        await SendAsync(socket, buffer => FyersFrameWriter.WriteAuthentication(buffer, hsmKey, "test"), ct);
        await SendAsync(socket, buffer => FyersFrameWriter.WriteMode(buffer, FyersMode.Full), ct);
        var decoder = new FyersFeedDecoder();
        Assert.Equal(FyersResponseStatus.Accepted, decoder.Read((await ReceiveAsync(socket, ct)).Message).Status);
        Assert.Equal(10, decoder.AckInterval);
        Assert.Equal(FyersResponseStatus.Accepted, decoder.Read((await ReceiveAsync(socket, ct)).Message).Status);
        await SendAsync(socket, buffer => FyersFrameWriter.WriteSubscribe(buffer, [Infy, Nifty, "sf|nse_cm|999999"]), ct);

        var received = new Dictionary<string, long>();
        var kinds = new List<(string Topic, FyersRecordKind Kind)>();
        uint lastNumber = 0;
        while (received.Values.Sum() < 100)
        {
            var reader = decoder.Read((await ReceiveAsync(socket, ct)).Message);
            Assert.False(reader.IsMalformed);
            if (reader.Type != FyersMessageType.DataFeed)
            {
                Assert.Equal((FyersMessageType.Subscribe, FyersResponseStatus.Accepted), (reader.Type, reader.Status));
                continue;
            }
            Assert.Equal(lastNumber + 1, reader.MessageNumber);
            lastNumber = reader.MessageNumber;
            var ackDue = reader.AckDue;
            while (reader.TryReadNext(out var quote))
            {
                received[quote.Topic.Name] = received.GetValueOrDefault(quote.Topic.Name) + 1;
                kinds.Add((quote.Topic.Name, quote.Record));
                Assert.True(quote.LastPrice > 0);
                Assert.NotNull(quote.ExchangeTime);
                if (quote.Topic.Kind == FyersTopicKind.Scrip)
                {
                    Assert.True(quote.BidPrice < quote.AskPrice || quote.AskPrice == quote.LastPrice);
                    Assert.Equal("sf|nse_cm|1594", quote.Topic.Name);
                }
            }
            if (ackDue)
            {
                await SendAsync(socket, buffer => FyersFrameWriter.WriteAcknowledgement(buffer, lastNumber), ct);
            }
        }
        await SendAsync(socket, buffer => FyersFrameWriter.WriteHeartbeat(buffer), ct);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct);
        while ((await ReceiveAsync(socket, ct)).Type != WebSocketMessageType.Close)
        {
            // Drains what was on the wire before the close answer, so the counts below compare like with like.
        }

        Assert.Equal([FyersRecordKind.Snapshot, FyersRecordKind.Snapshot], kinds.Take(2).Select(k => k.Kind));
        Assert.All(kinds.Skip(2), k => Assert.Equal(FyersRecordKind.Update, k.Kind));
        Assert.Equal(0, decoder.UnknownTopicRecords);
        using var stats = JsonDocument.Parse(await http.GetStringAsync("/_sim/stats", ct));
        var sent = stats.RootElement.GetProperty("fyers").GetProperty("recordsByTopic").EnumerateObject()
            .ToDictionary(property => property.Name, property => property.Value.GetInt64());
        Assert.Equal(received.OrderBy(pair => pair.Key), sent.OrderBy(pair => pair.Key));
    }

    [Fact]
    public async Task A_lite_channel_streams_lite_records_beside_a_full_channel_with_five_level_depth()
    {
        await using var factory = new SimulatorFactory(new Dictionary<string, string?> { ["Simulator:TicksPerSecond"] = "300" });
        var ct = TestContext.Current.CancellationToken;
        using var socket = await ConnectAsync(factory, ct);
        await SendAsync(socket, buffer => FyersFrameWriter.WriteAuthentication(buffer, StaticKey, "test"), ct);
        await SendAsync(socket, buffer => FyersFrameWriter.WriteMode(buffer, FyersMode.Full, 11), ct);
        await SendAsync(socket, buffer => FyersFrameWriter.WriteMode(buffer, FyersMode.Lite, 12), ct);
        var decoder = new FyersFeedDecoder();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(FyersResponseStatus.Accepted, decoder.Read((await ReceiveAsync(socket, ct)).Message).Status);
        }

        // Fyers refuses depth for an index: the simulator knows no such topic.
        await SendAsync(socket, buffer => FyersFrameWriter.WriteSubscribe(buffer, ["dp|nse_cm|Nifty 50"], 11), ct);
        Assert.Equal((FyersMessageType.Subscribe, FyersResponseStatus.Rejected), Status(decoder.Read((await ReceiveAsync(socket, ct)).Message)));
        await SendAsync(socket, buffer => FyersFrameWriter.WriteSubscribe(buffer, [Infy, InfyDepth], 11), ct);
        await SendAsync(socket, buffer => FyersFrameWriter.WriteSubscribe(buffer, [Nifty, Reliance], 12), ct);

        var kinds = new Dictionary<string, List<FyersRecordKind>>();
        while (kinds.Count < 4 || kinds.Values.Any(records => records.Count < 20))
        {
            var reader = decoder.Read((await ReceiveAsync(socket, ct)).Message);
            Assert.False(reader.IsMalformed);
            if (reader.Type != FyersMessageType.DataFeed)
            {
                Assert.Equal((FyersMessageType.Subscribe, FyersResponseStatus.Accepted), (reader.Type, reader.Status));
                continue;
            }
            while (reader.TryReadNext(out var quote))
            {
                (kinds.TryGetValue(quote.Topic.Name, out var records) ? records : kinds[quote.Topic.Name] = []).Add(quote.Record);
                if (quote.Topic.Kind == FyersTopicKind.Depth)
                {
                    Assert.Null(quote.LastPrice);
                    for (var level = 1; level <= 5; level++)
                    {
                        Assert.True(quote.Bid(level) is { Price: > 0, Quantity: > 0, Orders: > 0 }, $"bid level {level}: {quote.Bid(level)}");
                        Assert.True(quote.Ask(level) is { Price: > 0, Quantity: > 0, Orders: > 0 }, $"ask level {level}: {quote.Ask(level)}");
                    }
                    Assert.True(quote.Bid(1).Price < quote.Ask(1).Price);
                    Assert.True(quote.Bid(2).Price < quote.Bid(1).Price && quote.Ask(2).Price > quote.Ask(1).Price);
                }
                else
                {
                    Assert.True(quote.LastPrice > 0);
                }
            }
        }

        Assert.Equal([InfyDepth, Nifty, Infy, Reliance], kinds.Keys.Order(StringComparer.Ordinal));
        Assert.All(kinds.Values, records => Assert.Equal(FyersRecordKind.Snapshot, records[0]));
        Assert.All(kinds[Infy].Skip(1), kind => Assert.Equal(FyersRecordKind.Update, kind));
        Assert.All(kinds[InfyDepth].Skip(1), kind => Assert.Equal(FyersRecordKind.Update, kind));
        Assert.All(kinds[Nifty].Skip(1), kind => Assert.Equal(FyersRecordKind.Lite, kind));
        Assert.All(kinds[Reliance].Skip(1), kind => Assert.Equal(FyersRecordKind.Lite, kind));
        Assert.Equal(0, decoder.UnknownTopicRecords);
    }

    [Fact]
    public async Task Token_expired_closes_the_sockets_refuses_old_keys_and_honours_a_new_login()
    {
        await using var factory = new SimulatorFactory();
        var ct = TestContext.Current.CancellationToken;
        using var http = factory.CreateClient();
        var issued = FyersAccessToken.Parse(await IssueTokenAsync(http, ct), TimeProvider.System);
        using var open = await ConnectAsync(factory, ct);
        await SendAsync(open, buffer => FyersFrameWriter.WriteAuthentication(buffer, StaticKey, "test"), ct);
        Assert.Equal(FyersResponseStatus.Accepted, new FyersFeedDecoder().Read((await ReceiveAsync(open, ct)).Message).Status);

        using var fault = await http.PostAsJsonAsync("/_sim/faults", new { kind = "token-expired" }, ct);
        fault.EnsureSuccessStatusCode();

        Assert.Equal(WebSocketMessageType.Close, (await ReceiveAsync(open, ct)).Type);
        foreach (var hsmKey in new[] { StaticKey, issued.HsmKey })
        {
            Assert.Equal(FyersResponseStatus.Rejected, await AuthenticateAsync(factory, hsmKey, ct));
        }
        using var history = new HttpRequestMessage(HttpMethod.Get, "/data/history?symbol=NSE:INFY-EQ&resolution=1&date_format=0&range_from=0&range_to=60");
        history.Headers.TryAddWithoutValidation("Authorization", $"SIMFYERS-100:{issued.Jwt}");
        using var refused = await http.SendAsync(history, ct);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(-8, (await refused.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("code").GetInt32());
        var renewed = FyersAccessToken.Parse(await IssueTokenAsync(http, ct), TimeProvider.System);
        Assert.Equal(FyersResponseStatus.Accepted, await AuthenticateAsync(factory, renewed.HsmKey, ct));
    }

    private static async Task<string> IssueTokenAsync(HttpClient http, CancellationToken ct) =>
        (await (await http.PostAsync("/_sim/fyers/token", null, ct)).Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("accessToken").GetString()!;

    private static async Task<FyersResponseStatus> AuthenticateAsync(SimulatorFactory factory, string hsmKey, CancellationToken ct)
    {
        using var socket = await ConnectAsync(factory, ct);
        await SendAsync(socket, buffer => FyersFrameWriter.WriteAuthentication(buffer, hsmKey, "test"), ct);
        return new FyersFeedDecoder().Read((await ReceiveAsync(socket, ct)).Message).Status;
    }

    private static (FyersMessageType, FyersResponseStatus) Status(FyersFrameReader reader) => (reader.Type, reader.Status);

    [Fact]
    public async Task Malformed_and_truncated_faults_are_counted_and_skipped_by_the_decoder()
    {
        await using var factory = new SimulatorFactory(new Dictionary<string, string?> { ["Simulator:TicksPerSecond"] = "50" });
        var ct = TestContext.Current.CancellationToken;
        using var http = factory.CreateClient();
        using var socket = await ConnectAsync(factory, ct);
        await SendAsync(socket, buffer => FyersFrameWriter.WriteAuthentication(buffer, StaticKey, "test"), ct);
        await SendAsync(socket, buffer => FyersFrameWriter.WriteSubscribe(buffer, [Infy]), ct);
        var decoder = new FyersFeedDecoder();
        while (decoder.TopicCount == 0)
        {
            var reader = decoder.Read((await ReceiveAsync(socket, ct)).Message);
            while (reader.TryReadNext(out _))
            {
                // Binds the topic.
            }
        }

        using var faults = await http.PostAsJsonAsync("/_sim/faults", new { kind = "malformed", count = 2 }, ct);
        faults.EnsureSuccessStatusCode();
        using var truncated = await http.PostAsJsonAsync("/_sim/faults", new { kind = "truncated", count = 1 }, ct);
        truncated.EnsureSuccessStatusCode();
        while (decoder.MalformedFrames < 3)
        {
            var reader = decoder.Read((await ReceiveAsync(socket, ct)).Message);
            while (reader.TryReadNext(out var quote))
            {
                Assert.Equal(Infy, quote.Topic.Name);
            }
        }
        Assert.Equal(1, decoder.TopicCount);
    }

    private static async Task<WebSocket> ConnectAsync(SimulatorFactory factory, CancellationToken ct) =>
        await factory.Server.CreateWebSocketClient().ConnectAsync(new Uri("ws://localhost/hsm/v1-5/prod"), ct);

    private static async Task SendAsync(WebSocket socket, Func<byte[], int> write, CancellationToken ct)
    {
        var buffer = new byte[4096];
        var length = write(buffer);
        await socket.SendAsync(buffer.AsMemory(0, length), WebSocketMessageType.Binary, true, ct);
    }

    private static async Task<(byte[] Message, WebSocketMessageType Type)> ReceiveAsync(WebSocket socket, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var buffer = new byte[70_000];
        var length = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(length), timeout.Token);
            length += result.Count;
        }
        while (!result.EndOfMessage);
        return (buffer[..length], result.MessageType);
    }
}
