using System.Buffers;
using System.Threading.Channels;
using TradingHelper.Core.Market;
using TradingHelper.Core.Streaming;

namespace TradingHelper.Ingestor.Feed;

/// <summary>
/// Carries live ticks from the socket read loops to Redis without making them wait: frames queue here and one loop
/// publishes whatever has gathered as a single batch. When Redis is slower than the feed the oldest batches are
/// dropped; only the live view loses them, storage goes through the tick writer and never drops.
/// </summary>
public sealed partial class LiveTickRelay : BackgroundService
{
    /// <summary>Frames queued before the oldest is dropped: a few seconds of a busy feed.</summary>
    public const int Capacity = 256;

    private const int MaxTicksPerPublish = 4096;

    private readonly LiveTickPublisher _publisher;
    private readonly ILogger<LiveTickRelay> _logger;
    private readonly Channel<LiveBatch> _channel;
    private long _droppedTicks;
    private long _lastTickTicks;
    private bool _failing;

    public LiveTickRelay(LiveTickPublisher publisher, ILogger<LiveTickRelay> logger)
    {
        _publisher = publisher;
        _logger = logger;
        _channel = Channel.CreateBounded<LiveBatch>(
            new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            Drop);
    }

    /// <summary>Live ticks dropped because Redis could not keep up or was down.</summary>
    public long DroppedTicks => Interlocked.Read(ref _droppedTicks);

    /// <summary>When the last tick passed here was read off the broker's socket; null before the first.</summary>
    public DateTimeOffset? LastTickAt => Volatile.Read(ref _lastTickTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>Queues the live view of stored ticks; any broker feed calls this once per decoded frame.</summary>
    public void Publish(ReadOnlySpan<Tick> ticks)
    {
        if (ticks.IsEmpty)
        {
            return;
        }
        Volatile.Write(ref _lastTickTicks, ticks[^1].ReceivedAt.UtcTicks);
        var live = ArrayPool<LiveTick>.Shared.Rent(ticks.Length);
        for (var i = 0; i < ticks.Length; i++)
        {
            live[i] = ToLiveTick(in ticks[i]);
        }
        Enqueue(live, ticks.Length);
    }

    /// <summary>The live view of a stored tick, keyed by the internal instrument id; missing depth is zero.</summary>
    public static LiveTick ToLiveTick(in Tick tick) => new(
        tick.InstrumentId, tick.Time, tick.LastPrice, tick.Volume, tick.OpenInterest,
        tick.BidPrice ?? 0, tick.AskPrice ?? 0, tick.BidQuantity ?? 0, tick.AskQuantity ?? 0,
        tick.AveragePrice, tick.LastQuantity);

    /// <summary>Queues the first <paramref name="count"/> ticks of <paramref name="rented"/>, an array from <see cref="ArrayPool{T}.Shared"/> the relay now owns.</summary>
    public void Enqueue(LiveTick[] rented, int count)
    {
        if (count == 0 || !_channel.Writer.TryWrite(new LiveBatch(rented, count)))
        {
            ArrayPool<LiveTick>.Shared.Return(rented);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var merged = new LiveTick[MaxTicksPerPublish];
        var reader = _channel.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                var count = 0;
                while (count < merged.Length && reader.TryRead(out var batch))
                {
                    // A frame larger than what is left is cut: the live view keeps the first part, the rest counts as dropped.
                    var take = Math.Min(batch.Count, merged.Length - count);
                    batch.Ticks.AsSpan(0, take).CopyTo(merged.AsSpan(count));
                    count += take;
                    Interlocked.Add(ref _droppedTicks, batch.Count - take);
                    ArrayPool<LiveTick>.Shared.Return(batch.Ticks);
                }
                await PublishAsync(merged, count);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: live ticks still queued are of no use to anyone once the feed is gone.
        }
    }

    private async Task PublishAsync(LiveTick[] ticks, int count)
    {
        try
        {
            await _publisher.PublishAsync(ticks.AsSpan(0, count));
            if (_failing)
            {
                _failing = false;
                LogRecovered(_logger, DroppedTicks);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Interlocked.Add(ref _droppedTicks, count);
            if (!_failing)
            {
                _failing = true;
                LogPublishFailed(_logger, exception);
            }
        }
    }

    private void Drop(LiveBatch batch)
    {
        Interlocked.Add(ref _droppedTicks, batch.Count);
        ArrayPool<LiveTick>.Shared.Return(batch.Ticks);
    }

    private readonly record struct LiveBatch(LiveTick[] Ticks, int Count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing live ticks to Redis failed; live ticks are dropped until it works again (storage is unaffected)")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Publishing live ticks works again; {Dropped} live ticks dropped since start")]
    private static partial void LogRecovered(ILogger logger, long dropped);
}
