using System.Threading.Channels;
using Microsoft.Extensions.Options;
using TradingHelper.Core.Storage;

namespace TradingHelper.Ingestor.Backfill;

/// <summary>
/// Runs backfill jobs one at a time off the command loop (a job can wait hours for a login). The database is the queue
/// of record: jobs left queued or running (a restart, a lost command) are picked up at start and on every scan.
/// </summary>
public sealed partial class BackfillWorker(
    BackfillRunner runner,
    BackfillJobStore store,
    StorageState storage,
    IOptions<BackfillOptions> options,
    TimeProvider time,
    ILogger<BackfillWorker> logger) : BackgroundService
{
    private readonly Channel<Guid> _jobs = Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HashSet<Guid> _waiting = [];

    /// <summary>Queues a job unless it is already waiting.</summary>
    public void Enqueue(Guid jobId)
    {
        lock (_waiting)
        {
            if (!_waiting.Add(jobId))
            {
                return;
            }
        }
        _jobs.Writer.TryWrite(jobId);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await storage.Ready.WaitAsync(stoppingToken);
        var scan = ScanAsync(stoppingToken);
        await foreach (var jobId in _jobs.Reader.ReadAllAsync(stoppingToken))
        {
            lock (_waiting)
            {
                _waiting.Remove(jobId);
            }
            try
            {
                await runner.RunAsync(jobId, stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // The job stays queued or running in the database; the next scan retries it.
                LogJobFailed(logger, exception, jobId);
            }
        }
        await scan;
    }

    private async Task ScanAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ScanInterval, time);
        do
        {
            try
            {
                foreach (var jobId in await store.GetUnfinishedJobsAsync(stoppingToken))
                {
                    Enqueue(jobId);
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogScanFailed(logger, exception);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Backfill job {JobId} stopped with an error; it is retried on the next scan")]
    private static partial void LogJobFailed(ILogger logger, Exception exception, Guid jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking for unfinished backfill jobs failed")]
    private static partial void LogScanFailed(ILogger logger, Exception exception);
}
