using Microsoft.Extensions.Options;
using Npgsql;
using TradingHelper.Core.Market;
using TradingHelper.Core.Storage;

namespace TradingHelper.Ingestor.Backfill;

/// <summary>
/// Turns every closed feed gap into a backfill job over its whole minutes within market hours and runs it, so the
/// candles of a disconnect come from broker history. One Ingestor does it at a time, under an advisory lock.
/// </summary>
public sealed partial class GapBackfillService(
    BackfillJobStore store,
    BackfillWorker worker,
    NpgsqlDataSource dataSource,
    StorageState storage,
    MarketHours marketHours,
    IOptions<BackfillOptions> options,
    TimeProvider time,
    ILogger<GapBackfillService> logger) : BackgroundService
{
    // Spells "THGAPBKF".
    private const long GapLockKey = 0x5448_4741_5042_4B46;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await storage.Ready.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(options.Value.ScanInterval, time);
        do
        {
            try
            {
                await ScheduleGapsAsync(stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogScanFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Creates and queues a job for each closed gap that has none; returns the new jobs (none when another instance holds the lock).</summary>
    internal async Task<IReadOnlyList<Guid>> ScheduleGapsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await AdvisoryLock.TryAcquireAsync(connection, GapLockKey, cancellationToken))
        {
            return [];
        }
        try
        {
            var jobs = new List<Guid>();
            foreach (var gapId in await store.GetUnbackfilledGapsAsync(options.Value.GapSettleDelay, cancellationToken))
            {
                switch (await store.CreateGapJobAsync(gapId, marketHours, cancellationToken))
                {
                    case { JobId: { } jobId }:
                        LogGapJob(logger, gapId, jobId);
                        jobs.Add(jobId);
                        worker.Enqueue(jobId);
                        break;
                    case { OutsideMarketHours: true }:
                        LogGapOutsideMarketHours(logger, gapId);
                        break;
                }
            }
            return jobs;
        }
        finally
        {
            await AdvisoryLock.ReleaseAsync(connection, GapLockKey);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Feed gap {GapId} is backfilled by job {JobId}")]
    private static partial void LogGapJob(ILogger logger, long gapId, Guid jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Feed gap {GapId} lies outside market hours; the broker has no history to fill it with")]
    private static partial void LogGapOutsideMarketHours(ILogger logger, long gapId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking for feed gaps to backfill failed")]
    private static partial void LogScanFailed(ILogger logger, Exception exception);
}
