using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace TradingHelper.Core.Streaming;

/// <summary>
/// Lets the Ingestor hand over live ticks without waiting on Redis: ticks queue in a bounded channel and are
/// published in batches every <see cref="LiveTickOptions.FlushInterval"/> or <see cref="LiveTickOptions.MaxBatchSize"/> ticks.
/// </summary>
/// <remarks>
/// Live ticks are a view, not the record (the database is): when Redis cannot keep up, the newest ticks are
/// dropped and counted rather than slowing down the capture path.
/// </remarks>
public sealed partial class LiveTickBatcher : BackgroundService
{
    public const string MeterName = "TradingHelper.Streaming";

    private readonly Channel<LiveTick> _queue;
    private readonly LiveTickPublisher _publisher;
    private readonly LiveTickOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<LiveTickBatcher> _logger;
    private readonly Counter<long> _published;
    private readonly Counter<long> _dropped;

    public LiveTickBatcher(
        LiveTickPublisher publisher,
        IOptions<LiveTickOptions> options,
        TimeProvider timeProvider,
        IMeterFactory meterFactory,
        ILogger<LiveTickBatcher> logger)
    {
        _publisher = publisher;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        _queue = Channel.CreateBounded<LiveTick>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            // Wait mode only so TryWrite reports a full queue; nothing ever waits on it.
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        var meter = meterFactory.Create(MeterName);
        _published = meter.CreateCounter<long>("tradinghelper.live_ticks.published", "{tick}", "Live ticks published to Redis.");
        _dropped = meter.CreateCounter<long>("tradinghelper.live_ticks.dropped", "{tick}", "Live ticks dropped because the queue to Redis was full or Redis failed.");
    }

    /// <summary>Queues a tick for the next batch; false (and counted) when the queue is full.</summary>
    public bool TryEnqueue(in LiveTick tick)
    {
        if (_queue.Writer.TryWrite(tick))
        {
            return true;
        }
        _dropped.Add(1);
        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new LiveTick[_options.MaxBatchSize];
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                var count = 0;
                while (count < batch.Length && _queue.Reader.TryRead(out var tick))
                {
                    batch[count++] = tick;
                }
                await PublishAsync(batch.AsMemory(0, count));
                if (count < batch.Length)
                {
                    // Let the next batch gather instead of publishing one message per tick.
                    await Task.Delay(_options.FlushInterval, _timeProvider, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task PublishAsync(ReadOnlyMemory<LiveTick> ticks)
    {
        try
        {
            await _publisher.PublishAsync(ticks.Span);
            _published.Add(ticks.Length);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            _dropped.Add(ticks.Length);
            LogPublishFailed(_logger, exception, ticks.Length);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped {Count} live ticks: Redis did not take them")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, int count);
}
