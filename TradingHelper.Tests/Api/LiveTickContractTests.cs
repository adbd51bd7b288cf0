using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TradingHelper.Core.Streaming;

namespace TradingHelper.Tests.Api;

public sealed class LiveTickContractTests(ApiTestContext context) : IClassFixture<ApiTestContext>
{
    private static readonly DateTimeOffset Time = new(2026, 11, 25, 9, 59, 59, 500, TimeSpan.Zero);

    [Fact]
    public async Task A_batch_is_announced_once_and_the_quotes_hash_keeps_the_last_tick_of_each_instrument()
    {
        var options = new LiveTickOptions { Channel = $"test:ticks:{Guid.NewGuid():N}", QuotesKey = $"test:quotes:{Guid.NewGuid():N}" };
        var messages = await context.Redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(options.Channel));
        var publisher = new LiveTickPublisher(context.Redis, Options.Create(options));
        LiveTick[] ticks = [Tick(5, 22450.05m), Tick(6, 101.5m), Tick(5, 22450.10m)];

        await publisher.PublishAsync(ticks);

        var message = await messages.ReadAsync(TestContext.Current.CancellationToken);
        var raw = new List<RawTick>();
        LiveTickJson.ReadBatch((byte[])message.Message!, raw);
        Assert.Equal(ticks, raw.Select(tick => LiveTickJson.DeserializeTick(tick.Json.Span)));
        Assert.Equal([5, 6, 5], raw.Select(tick => tick.Token));
        var quotes = await context.Redis.GetDatabase().HashGetAllAsync(options.QuotesKey);
        Assert.Equal(2, quotes.Length);
        Assert.Equal(Tick(5, 22450.10m), LiveTickJson.DeserializeTick((byte[])(await context.Redis.GetDatabase().HashGetAsync(options.QuotesKey, "5"))!));
        await messages.UnsubscribeAsync();
    }

    [Fact]
    public async Task Each_publish_sends_exactly_its_own_batch_when_the_buffer_is_reused()
    {
        var options = new LiveTickOptions { Channel = $"test:ticks:{Guid.NewGuid():N}", QuotesKey = $"test:quotes:{Guid.NewGuid():N}" };
        var messages = await context.Redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(options.Channel));
        var publisher = new LiveTickPublisher(context.Redis, Options.Create(options));
        LiveTick[] larger = [Tick(5, 22450.05m), Tick(6, 101.5m), Tick(7, 3.05m), Tick(8, 1999.95m)];
        LiveTick[] smaller = [Tick(9, 0.05m)];

        await publisher.PublishAsync(larger);
        await publisher.PublishAsync(smaller);
        await publisher.PublishAsync(larger);

        // The smaller batch in between must not carry the tail of the larger one before it, nor spoil the one after.
        foreach (var expected in new[] { larger, smaller, larger })
        {
            var message = await messages.ReadAsync(TestContext.Current.CancellationToken);
            var json = new System.Buffers.ArrayBufferWriter<byte>();
            LiveTickJson.WriteBatch(json, expected);
            Assert.Equal(json.WrittenSpan.ToArray(), (byte[])message.Message!);
        }
        await messages.UnsubscribeAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task The_batcher_publishes_queued_ticks_in_order_and_refuses_them_when_full()
    {
        var options = new LiveTickOptions
        {
            Channel = $"test:ticks:{Guid.NewGuid():N}",
            QuotesKey = $"test:quotes:{Guid.NewGuid():N}",
            QueueCapacity = 4,
        };
        var messages = await context.Redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(options.Channel));
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var batcher = new LiveTickBatcher(
            new LiveTickPublisher(context.Redis, Options.Create(options)),
            Options.Create(options),
            TimeProvider.System,
            services.GetRequiredService<IMeterFactory>(),
            NullLogger<LiveTickBatcher>.Instance);
        LiveTick[] ticks = [Tick(1, 10m), Tick(2, 20m), Tick(1, 10.05m), Tick(3, 30m)];

        var accepted = ticks.Select(tick => batcher.TryEnqueue(tick)).ToList();
        var refused = batcher.TryEnqueue(Tick(4, 40m));
        await batcher.StartAsync(TestContext.Current.CancellationToken);
        var received = new List<LiveTick>();
        while (received.Count < ticks.Length)
        {
            var message = await messages.ReadAsync(TestContext.Current.CancellationToken);
            var raw = new List<RawTick>();
            LiveTickJson.ReadBatch((byte[])message.Message!, raw);
            received.AddRange(raw.Select(tick => LiveTickJson.DeserializeTick(tick.Json.Span)));
        }
        await batcher.StopAsync(TestContext.Current.CancellationToken);

        Assert.All(accepted, Assert.True);
        Assert.False(refused);
        Assert.Equal(ticks, received);
        await messages.UnsubscribeAsync();
    }

    [Fact]
    public void A_tick_is_camel_case_json_with_exact_decimals_and_utc_time()
    {
        using var json = JsonDocument.Parse(LiveTickJson.SerializeTick(Tick(42, 0.05m)));

        var root = json.RootElement;
        Assert.Equal(
            ["token", "time", "ltp", "volume", "oi", "bid", "ask", "bidQty", "askQty", "avg", "lastQty"],
            root.EnumerateObject().Select(property => property.Name));
        Assert.Equal("0.05", root.GetProperty("ltp").GetRawText());
        Assert.Equal("2026-11-25T09:59:59.5+00:00", root.GetProperty("time").GetString());
    }

    [Fact]
    public void A_tick_stamped_in_IST_is_written_in_UTC()
    {
        var ist = Tick(42, 1m) with { Time = new DateTimeOffset(2026, 11, 25, 15, 29, 59, 500, TimeSpan.FromHours(5.5)) };

        using var json = JsonDocument.Parse(LiveTickJson.SerializeTick(ist));

        Assert.Equal("2026-11-25T09:59:59.5+00:00", json.RootElement.GetProperty("time").GetString());
    }

    [Theory]
    [InlineData("""{"ticks":[{"ltp":1}]}""")]
    [InlineData("""{"ticks":[{"token":"5"}]}""")]
    [InlineData("""{"ticks":[{"token":5.5}]}""")]
    [InlineData("""{"ticks":{}}""")]
    [InlineData("""{"ticks":[1]}""")]
    [InlineData("""[]""")]
    [InlineData("""{"ticks":[{"token":5}""")]
    public void A_malformed_batch_is_rejected(string message)
    {
        Assert.ThrowsAny<JsonException>(() => LiveTickJson.ReadBatch(System.Text.Encoding.UTF8.GetBytes(message), []));
    }

    private static LiveTick Tick(int token, decimal ltp) =>
        new(token, Time, ltp, Volume: 1_250_075, Oi: 9_875_000, Bid: ltp - 0.05m, Ask: ltp + 0.05m, BidQty: 75, AskQty: 150, Avg: ltp, LastQty: 25);
}
