using System.Buffers;
using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace TradingHelper.Core.Streaming;

/// <summary>
/// Publishes live ticks for the Api: each call stores the latest quote per instrument in the quotes hash and
/// announces the whole batch as one pub/sub message.
/// </summary>
/// <remarks>Call it with batches (every ~50 ms or a few hundred ticks), not per tick: one message per tick would flood Redis and every Api.</remarks>
public sealed class LiveTickPublisher(IConnectionMultiplexer redis, IOptions<LiveTickOptions> options)
{
    private readonly RedisChannel _channel = RedisChannel.Literal(options.Value.Channel);
    private readonly RedisKey _quotesKey = options.Value.QuotesKey;

    // The message buffer outlives each publish: a fresh one per call was a steady stream of large allocations at every
    // relay interval. Redis reads the payload until the publish completes, so a call takes the buffer and gives it back
    // only when it succeeded; a call that overlaps another finds none and uses its own.
    private ArrayBufferWriter<byte>? _message;

    /// <summary>Stores and announces <paramref name="ticks"/>; a later tick of the same instrument wins in the hash.</summary>
    public ValueTask PublishAsync(ReadOnlySpan<LiveTick> ticks)
    {
        if (ticks.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }

        var message = Interlocked.Exchange(ref _message, null) ?? new ArrayBufferWriter<byte>(ticks.Length * 192);
        message.ResetWrittenCount();
        LiveTickJson.WriteBatch(message, ticks);

        var latest = new Dictionary<int, int>(ticks.Length);
        for (var i = 0; i < ticks.Length; i++)
        {
            latest[ticks[i].Token] = i;
        }
        var quotes = new HashEntry[latest.Count];
        var next = 0;
        foreach (var (token, index) in latest)
        {
            quotes[next++] = new HashEntry(token.ToString(CultureInfo.InvariantCulture), LiveTickJson.SerializeTick(ticks[index]));
        }
        return new ValueTask(SendAsync(message, quotes));
    }

    private async Task SendAsync(ArrayBufferWriter<byte> message, HashEntry[] quotes)
    {
        // Both go out on the same connection in this order, so a client subscribing in between finds the quote.
        var store = redis.GetDatabase().HashSetAsync(_quotesKey, quotes);
        var announce = redis.GetSubscriber().PublishAsync(_channel, message.WrittenMemory);
        await Task.WhenAll(store, announce);
        // Not after a failure: a timed-out publish may still sit in the multiplexer's backlog, reading the buffer.
        _message = message;
    }
}
