using System.Net;
using System.Net.WebSockets;
using TradingHelper.Core.Brokers.Kite;

namespace TradingHelper.Tests.Simulator;

/// <summary>The simulator over a real loopback TCP socket, read by the real decoder, as the Ingestor will see it.</summary>
public sealed class SimulatorSocketTests
{
    private const uint Infy = 408065;
    private const uint Nifty = 256265;

    [Fact]
    public async Task Real_socket_streams_realistic_full_ticks_that_decode()
    {
        await using var factory = new SimulatorFactory(new Dictionary<string, string?> { ["Simulator:TicksPerSecond"] = "400" });
        var baseAddress = factory.StartOnLoopback();
        var ct = TestContext.Current.CancellationToken;
        using var http = new HttpClient { BaseAddress = baseAddress };
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", SimulatorFactory.Authorization);
        var option = await SimulatorRestTests.TokenOfAsync(http, row => row[9] == "CE" && row[3] == "NIFTY", ct);
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(TickerUri(baseAddress, SimulatorFactory.AccessToken), ct);
        await using var ticker = new TickerClient(socket);

        await ticker.SubscribeAsync(ct, Infy, Nifty, option);
        await ticker.SetModeAsync(KiteMode.Full, ct, Infy, Nifty, option);
        var ticks = new List<KiteTick>();
        var until = DateTimeOffset.UtcNow.AddSeconds(1.5);
        while (DateTimeOffset.UtcNow < until && await ticker.NextAsync(TimeSpan.FromSeconds(2), ct) is { } message)
        {
            Assert.Equal(WebSocketMessageType.Binary, message.Type);
            ticks.AddRange(message.Ticks());
        }

        Assert.True(ticks.Count > 200, $"only {ticks.Count} ticks");
        var first = ticks.Take(3).ToDictionary(tick => tick.InstrumentToken, tick => tick.Kind);
        Assert.Equal(KitePacketKind.Quote, first[Infy]);
        Assert.Equal(KitePacketKind.IndexQuote, first[Nifty]);
        var now = DateTimeOffset.UtcNow;
        foreach (var group in ticks.GroupBy(tick => tick.InstrumentToken))
        {
            var volume = 0u;
            foreach (var tick in group)
            {
                Assert.Equal(0u, tick.LastPrice % 5);
                Assert.InRange(tick.LastPrice, tick.Low, tick.High);
                Assert.True(tick.Volume >= volume, "cumulative day volume fell");
                volume = tick.Volume;
            }
            Assert.Contains(group, tick => tick.Kind is KitePacketKind.Full or KitePacketKind.IndexFull);
        }
        foreach (var tick in ticks.Where(tick => tick.Kind == KitePacketKind.Full))
        {
            Assert.True(tick.IsTradable);
            Assert.InRange(tick.ExchangeTime!.Value, now.AddSeconds(-10), now.AddSeconds(1));
            Assert.True(tick.Volume > 0 && tick.LastQuantity > 0 && tick.AveragePrice > 0);
            // The best bid and ask bracket the last trade; deeper levels step away a tick at a time.
            Assert.InRange(tick.LastPrice, tick.Bids[0].Price, tick.Asks[0].Price);
            Assert.True(tick.Bids[0].Price < tick.Asks[0].Price);
            for (var i = 0; i < KiteDepthLevels.Count; i++)
            {
                Assert.Equal(tick.Bids[0].Price - (5 * (uint)i), tick.Bids[i].Price);
                Assert.Equal(tick.Asks[0].Price + (5 * (uint)i), tick.Asks[i].Price);
                Assert.True(tick.Bids[i].Quantity > 0 && tick.Bids[i].Orders > 0);
            }
            Assert.True(tick.Bids[0].Price > tick.Bids[4].Price && tick.Asks[0].Price < tick.Asks[4].Price);
        }
        Assert.All(ticks.Where(tick => tick.InstrumentToken == option && tick.Kind == KitePacketKind.Full), tick => Assert.True(tick.OpenInterest > 0));
        Assert.All(ticks.Where(tick => tick.InstrumentToken == Nifty && tick.Kind == KitePacketKind.IndexFull),
            tick => Assert.Equal((long)tick.LastPrice - tick.Close, tick.Change));
    }

    [Fact]
    public async Task Real_socket_handshake_with_a_bad_token_fails_with_403()
    {
        await using var factory = new SimulatorFactory();
        var baseAddress = factory.StartOnLoopback();
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(TickerUri(baseAddress, "expired"), TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
    }

    [Fact]
    public async Task Abort_fault_drops_the_tcp_connection_without_a_close_frame()
    {
        await using var factory = new SimulatorFactory();
        var baseAddress = factory.StartOnLoopback();
        var ct = TestContext.Current.CancellationToken;
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(TickerUri(baseAddress, SimulatorFactory.AccessToken), ct);
        await using var ticker = new TickerClient(socket);
        Assert.NotNull(await ticker.FirstAsync(message => message.IsHeartbeat, TimeSpan.FromSeconds(5), ct));

        var response = await SimulatorTickerTests.FaultAsync(factory, new { kind = "close", abort = true }, ct);
        // Heartbeats already received stay queued; the socket must end after them, without a close frame.
        var ended = ticker.FirstAsync(message => message.Type == WebSocketMessageType.Close, TimeSpan.FromSeconds(5), ct);

        Assert.Equal(1, response.GetProperty("connections").GetInt32());
        Assert.Null(await ended);
        Assert.Equal(WebSocketState.Aborted, ticker.State);
    }

    private static Uri TickerUri(Uri baseAddress, string accessToken) =>
        new($"ws://{baseAddress.Authority}/?api_key={SimulatorFactory.ApiKey}&access_token={accessToken}");
}
