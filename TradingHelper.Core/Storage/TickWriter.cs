using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using TradingHelper.Core.Market;

namespace TradingHelper.Core.Storage;

/// <summary>
/// Stores ticks in <c>tick_data</c>: a bounded channel in front of batched binary COPY, an fsynced on-disk spool
/// while the database is unreachable, and batch ids committed with the rows so that every replay is exactly-once.
/// </summary>
/// <remarks>
/// <para>Producers wait when the channel is full (<see cref="BoundedChannelFullMode.Wait"/>): the back-pressure reaches the
/// socket read loop, and no tick is ever dropped. The spool has a cap; at the cap the flush loop waits for replay, so
/// the same back-pressure applies.</para>
/// <para>Bound on <c>kill -9</c>: the ticks in the channel and in the batch being assembled or committed are lost — at most
/// <see cref="TickWriterOptions.ChannelCapacity"/> + <see cref="TickWriterOptions.BatchSize"/> ticks; at a steady rate the
/// channel is nearly empty, so about <see cref="TickWriterOptions.FlushInterval"/> of data. A batch once committed or
/// handed to the spool (fsynced) is never lost and never written twice. See <c>docs/zero-data-loss.md</c>.</para>
/// </remarks>
public sealed partial class TickWriter : BackgroundService, ITickSink
{
    private readonly StorageState _storage;
    private readonly TickWriterOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<TickWriter> _logger;
    private readonly Channel<Tick> _channel;
    private readonly TickBatchCommitter _committer;
    private readonly TickWriterMetrics _metrics;
    private readonly Tick[] _batch;

    // Wakes the replay loop when a batch was spooled; one pending signal is enough.
    private readonly Channel<bool> _spooled = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    // Cancelled only when the host's shutdown timeout runs out: until then, shutdown still commits what is queued.
    private readonly CancellationTokenSource _abort = new();
    private TickSpool? _spool;
    private volatile bool _databaseReady;
    private int _running;

    public TickWriter(
        NpgsqlDataSource dataSource,
        StorageState storage,
        IOptions<TickWriterOptions> options,
        TimeProvider timeProvider,
        IMeterFactory meterFactory,
        ILogger<TickWriter> logger)
    {
        _storage = storage;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        _channel = Channel.CreateBounded<Tick>(new BoundedChannelOptions(_options.ChannelCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _committer = new TickBatchCommitter(dataSource, _options.WriterId, timeProvider);
        _batch = new Tick[_options.BatchSize];
        _metrics = new TickWriterMetrics(meterFactory, timeProvider, () => _spool?.Bytes ?? 0, () => QueuedTicks);
    }

    /// <summary>Bytes waiting in the spool; zero when everything is committed.</summary>
    internal long SpoolBytes => _spool?.Bytes ?? 0;

    /// <summary>Ticks waiting in the channel.</summary>
    internal int QueuedTicks => _channel.Reader.Count;

    public bool TryWrite(in Tick tick) => _channel.Writer.TryWrite(tick);

    public ValueTask WriteAsync(in Tick tick, CancellationToken cancellationToken) =>
        _channel.Writer.TryWrite(tick) ? ValueTask.CompletedTask : _channel.Writer.WriteAsync(tick, cancellationToken);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Opened here, not in ExecuteAsync, so that a spool held by another process fails the host's start loudly.
        _spool = TickSpool.Open(_options.SpoolDirectory, _options.SpoolCapBytes, _logger);
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Producers stop before the writer (hosted services stop in reverse order); what they queued is still written.
        _channel.Writer.TryComplete();
        await using var abort = cancellationToken.Register(static state => ((CancellationTokenSource)state!).Cancel(), _abort);
        await base.StopAsync(cancellationToken);
        // BackgroundService skips ExecuteAsync when stopped before the thread pool got to it: drain here instead.
        await RunOnceAsync(new CancellationToken(canceled: true));
    }

    public override void Dispose()
    {
        _channel.Writer.TryComplete();
        _spool?.Dispose();
        _abort.Dispose();
        base.Dispose();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => RunOnceAsync(stoppingToken);

    private async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        if (_spool is not { } spool || Interlocked.Exchange(ref _running, 1) != 0)
        {
            return;
        }
        using var stopReplay = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var replay = Task.CompletedTask;
        try
        {
            try
            {
                await _storage.Ready.WaitAsync(stoppingToken);
                _databaseReady = true;
                replay = Task.Run(() => ReplayAsync(spool, stopReplay.Token), CancellationToken.None);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Stopped before the schema was ready: what is queued goes to the spool for the next run.
            }

            int count;
            while ((count = await FillBatchAsync()) > 0)
            {
                await FlushAsync(spool, count, stoppingToken);
            }
        }
        finally
        {
            await stopReplay.CancelAsync();
            await replay;
            spool.Dispose();
        }
    }

    /// <summary>Takes ticks until the batch is full, <see cref="TickWriterOptions.FlushInterval"/> has passed since its first, or the channel is completed.</summary>
    private async ValueTask<int> FillBatchAsync()
    {
        var reader = _channel.Reader;
        var batch = _batch;
        while (!reader.TryRead(out batch[0]))
        {
            if (!await reader.WaitToReadAsync(CancellationToken.None))
            {
                return 0;
            }
        }

        var count = 1;
        // The interval runs from when the first tick was received, not from when the writer got to it: after a slow
        // commit the queued ticks have already waited, so they go out at once instead of waiting a full interval more.
        var waited = _timeProvider.GetUtcNow() - batch[0].ReceivedAt;
        var remaining = waited <= TimeSpan.Zero ? _options.FlushInterval : _options.FlushInterval - waited;
        if (remaining <= TimeSpan.Zero)
        {
            while (count < batch.Length && reader.TryRead(out batch[count]))
            {
                count++;
            }
            return count;
        }
        using var deadline = new CancellationTokenSource(remaining, _timeProvider);
        while (count < batch.Length)
        {
            if (reader.TryRead(out batch[count]))
            {
                count++;
                continue;
            }
            if (deadline.IsCancellationRequested || reader.Completion.IsCompleted)
            {
                break;
            }
            // Only reached when the writer is idle, so the wait's allocation never lands on a busy path.
            await ((Task)reader.WaitToReadAsync(deadline.Token).AsTask()).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        return count;
    }

    private async Task FlushAsync(TickSpool spool, int count, CancellationToken stoppingToken)
    {
        var batchId = Guid.CreateVersion7(_timeProvider.GetUtcNow());
        _metrics.Flushing(count);
        // While older batches wait in the spool, newer ones queue behind them so that ticks reach the table in order.
        if (_databaseReady && spool.IsEmpty)
        {
            var started = _timeProvider.GetTimestamp();
            try
            {
                await _committer.CommitAsync(batchId, _batch, count, _abort.Token);
                _metrics.Committed(_batch, count, started, replayed: false);
                return;
            }
#pragma warning disable CA1031 // Whatever failed (outage, timeout, shutdown), the batch is kept; replay retries it.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogSpooling(_logger, exception, batchId, count);
            }
        }
        await SpoolAsync(spool, batchId, count, stoppingToken);
    }

    private async Task SpoolAsync(TickSpool spool, Guid batchId, int count, CancellationToken stoppingToken)
    {
        var size = TickSpoolFormat.RecordSize(count);
        // At shutdown the cap gives way: the alternative is losing ticks already in memory.
        while (!stoppingToken.IsCancellationRequested)
        {
            var roomFreed = spool.RoomFreed;
            if (spool.HasRoomFor(size))
            {
                break;
            }
            LogSpoolFull(_logger, spool.Bytes, _options.SpoolCapBytes, spool.Location);
            await roomFreed.WaitAsync(stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        while (true)
        {
            try
            {
                spool.Append(batchId, _batch.AsSpan(0, count));
                break;
            }
            catch (IOException exception) when (!_abort.IsCancellationRequested)
            {
                LogSpoolAppendFailed(_logger, exception, batchId, count, _options.RetryInterval);
                await Task.Delay(_options.RetryInterval, _timeProvider, _abort.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (Exception exception) when (exception is IOException or ObjectDisposedException)
            {
                // Out of retries, or the host ran out of shutdown time and disposed the spool under the drain:
                // the loss is said out loud rather than escaping as an unobserved exception.
                LogTicksLost(_logger, exception, batchId, count);
                return;
            }
        }
        _metrics.Spooled(count);
        _spooled.Writer.TryWrite(true);
    }

    private async Task ReplayAsync(TickSpool spool, CancellationToken cancellationToken)
    {
        var cursor = default(TickSpool.Cursor);
        // Grown by the first spooled batch read: most runs never spool, and a batch-sized array up front held 3 MB of
        // large object heap for the life of the process (TradingHelper.LoadTest/RESULTS.md, the memory heap by type).
        Tick[] ticks = [];
        int replayed = 0, skipped = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (!spool.TryRead(ref cursor, ref ticks, out var record))
                {
                    if (replayed + skipped > 0)
                    {
                        LogCaughtUp(_logger, replayed, skipped);
                        replayed = skipped = 0;
                    }
                    await _spooled.Reader.ReadAsync(cancellationToken);
                    continue;
                }
                if (await CommitReplayedAsync(record, ticks, cancellationToken))
                {
                    replayed++;
                }
                else
                {
                    skipped++;
                }
                cursor = record.Next;
                spool.Consume(cursor);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A replay loop that died would leave every later batch stuck in the spool.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                // Typically the spool could not be read (disk trouble); everything stays on disk for the next attempt.
                LogSpoolReadFailed(_logger, exception, _options.RetryInterval);
                await Task.Delay(_options.RetryInterval, _timeProvider, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Commits a spooled batch, retrying until the database takes it; false when it was committed before.</summary>
    private async Task<bool> CommitReplayedAsync(TickSpool.Record record, Tick[] ticks, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var started = _timeProvider.GetTimestamp();
            try
            {
                if (await _committer.CommitAsync(record.BatchId, ticks, record.Count, cancellationToken))
                {
                    _metrics.Committed(ticks, record.Count, started, replayed: true);
                    return true;
                }
                _metrics.Skipped();
                return false;
            }
#pragma warning disable CA1031 // Replay must outlive any failure of the database; it is retried until it succeeds.
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                // Every attempt at debug level, a warning now and then: an outage of minutes should not flood the log.
                if (attempt == 1 || attempt % 60 == 0)
                {
                    LogReplayRetrying(_logger, record.BatchId, attempt, exception.Message, _options.RetryInterval);
                }
                else
                {
                    LogReplayRetryingDetail(_logger, record.BatchId, attempt, exception.Message);
                }
                await Task.Delay(_options.RetryInterval, _timeProvider, cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tick batch {BatchId} ({Count} ticks) could not be committed; it and the batches after it go to the on-disk spool until the database is back")]
    private static partial void LogSpooling(ILogger logger, Exception exception, Guid batchId, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Tick spool in {Directory} is at its cap ({Bytes} of {CapBytes} bytes): the writer takes no more ticks, and the feed waits, until replay frees space")]
    private static partial void LogSpoolFull(ILogger logger, long bytes, long capBytes, string directory);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write tick batch {BatchId} ({Count} ticks) to the spool; retrying every {RetryInterval} while the feed waits")]
    private static partial void LogSpoolAppendFailed(ILogger logger, Exception exception, Guid batchId, int count, TimeSpan retryInterval);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Shutdown ran out of time and neither the database nor the spool took tick batch {BatchId}: {Count} ticks are lost")]
    private static partial void LogTicksLost(ILogger logger, Exception exception, Guid batchId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replaying spooled tick batch {BatchId} failed (attempt {Attempt}: {Reason}); retrying every {RetryInterval}")]
    private static partial void LogReplayRetrying(ILogger logger, Guid batchId, int attempt, string reason, TimeSpan retryInterval);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Replaying spooled tick batch {BatchId} failed (attempt {Attempt}: {Reason})")]
    private static partial void LogReplayRetryingDetail(ILogger logger, Guid batchId, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tick spool replayed: {Replayed} batches committed, {Skipped} found committed already; new ticks go straight to the database again")]
    private static partial void LogCaughtUp(ILogger logger, int replayed, int skipped);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading the tick spool failed; retrying every {RetryInterval}")]
    private static partial void LogSpoolReadFailed(ILogger logger, Exception exception, TimeSpan retryInterval);
}
