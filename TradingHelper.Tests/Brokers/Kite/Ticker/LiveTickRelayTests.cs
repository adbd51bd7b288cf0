using System.Buffers;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TradingHelper.Core.Streaming;
using TradingHelper.Ingestor.Feed;
using TradingHelper.Tests.Infrastructure;

namespace TradingHelper.Tests.Brokers.Kite.Ticker;

public sealed class LiveTickRelayTests
{
    [Fact]
    public async Task A_feed_faster_than_redis_never_waits_and_the_oldest_live_ticks_are_dropped()
    {
        // Nothing listens on this port: every publish would fail, and the relay's loop is not even running.
        await using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{FreePort.Next()},abortConnect=false,connectTimeout=100");
        var publisher = new LiveTickPublisher(redis, Options.Create(new LiveTickOptions()));
        using var relay = new LiveTickRelay(publisher, NullLogger<LiveTickRelay>.Instance);

        for (var frame = 0; frame < LiveTickRelay.Capacity + 44; frame++)
        {
            var ticks = ArrayPool<LiveTick>.Shared.Rent(2);
            ticks[0] = ticks[1] = new LiveTick(frame, DateTimeOffset.UnixEpoch, 1m, 0, 0, 0, 0, 0, 0, 0, 0);
            relay.Enqueue(ticks, 2);
        }

        Assert.Equal(44 * 2, relay.DroppedTicks);
    }
}
