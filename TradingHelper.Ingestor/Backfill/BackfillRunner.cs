using Npgsql;
using TradingHelper.Core.Storage;

namespace TradingHelper.Ingestor.Backfill;

/// <summary>
/// Runs one backfill job: for each item, the broker's minute history in windows from where the item stopped, each window
/// written with the item's progress in one transaction. Only minute candles are stored whatever the job's interval:
/// <c>candles()</c> builds 5m/15m/1h/1d from them, so one copy of history serves every interval.
/// </summary>
public sealed partial class BackfillRunner(
    IMinuteHistorySource history,
    BackfillJobStore store,
    NpgsqlDataSource dataSource,
    ILogger<BackfillRunner> logger)
{
    /// <summary>Runs the job to an end state, unless it is finished already or another Ingestor is running it.</summary>
    public async Task RunAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var lockKey = LockKey(jobId);
        if (!await AdvisoryLock.TryAcquireAsync(connection, lockKey, cancellationToken))
        {
            LogBusy(logger, jobId);
            return;
        }
        try
        {
            // Read under the lock: the instance that held it may just have finished the job.
            var job = await store.GetJobAsync(jobId, cancellationToken);
            if (job is null || job.Status is not ("queued" or "running"))
            {
                return;
            }
            await store.StartJobAsync(jobId, cancellationToken);
            LogStarted(logger, jobId, job.From, job.To, job.Interval);
            var items = await store.GetItemsAsync(jobId, cancellationToken);
            var keys = await history.ResolveAsync(items.Select(item => item.InstrumentId).ToList(), cancellationToken);
            var failures = new List<string>();
            foreach (var item in items)
            {
                if (item.Status is "succeeded" or "cancelled")
                {
                    continue;
                }
                if (item.Status == "failed")
                {
                    failures.Add($"instrument {item.InstrumentId} failed earlier");
                    continue;
                }
                if ((await store.GetJobAsync(jobId, cancellationToken))?.Status is not "running")
                {
                    // Cancelled (or deleted) through the Api while this job ran.
                    LogCancelled(logger, jobId);
                    return;
                }
                var error = keys.TryGetValue(item.InstrumentId, out var key)
                    ? await RunItemAsync(job, item, key, cancellationToken)
                    : $"instrument {item.InstrumentId} has no {history.KeyName}";
                if (error is null)
                {
                    await store.SetItemStatusAsync(jobId, item.InstrumentId, "succeeded", null, cancellationToken);
                }
                else
                {
                    failures.Add(error);
                    await store.SetItemStatusAsync(jobId, item.InstrumentId, "failed", error, cancellationToken);
                }
            }
            var summary = failures.Count == 0 ? null : $"{failures.Count} of {items.Count} instruments failed; first: {failures[0]}";
            await store.FinishJobAsync(jobId, failures.Count == 0 ? "succeeded" : "failed", summary, cancellationToken);
            LogFinished(logger, jobId, items.Count - failures.Count, items.Count);
        }
        finally
        {
            await AdvisoryLock.ReleaseAsync(connection, lockKey);
        }
    }

    /// <summary>Returns null on success, or why the item failed; a source that needs a login waits for it instead of failing.</summary>
    private async Task<string?> RunItemAsync(BackfillJob job, BackfillJobItem item, string key, CancellationToken cancellationToken)
    {
        var start = item.FetchedTo is { } resumed && resumed > job.From ? resumed : job.From;
        foreach (var (from, to) in history.Windows(start, job.To))
        {
            IReadOnlyList<HistoryCandle> candles;
            try
            {
                candles = await history.GetMinuteCandlesAsync(key, from, to, cancellationToken);
            }
            catch (HistoryUnavailableException exception)
            {
                return $"instrument {item.InstrumentId}: {exception.Message}";
            }
            await store.WriteWindowAsync(job.Id, item.InstrumentId, history.Broker, candles, to, cancellationToken);
        }
        return null;
    }

    // Folds the job id into one advisory-lock key; a collision only makes two jobs take turns.
    private static long LockKey(Guid jobId)
    {
        Span<byte> bytes = stackalloc byte[16];
        jobId.TryWriteBytes(bytes);
        return BitConverter.ToInt64(bytes[..8]) ^ BitConverter.ToInt64(bytes[8..]);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Backfill job {JobId} is being run by another Ingestor")]
    private static partial void LogBusy(ILogger logger, Guid jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Backfill job {JobId} started: {From:O} to {To:O}, interval {Interval} (minute candles are fetched)")]
    private static partial void LogStarted(ILogger logger, Guid jobId, DateTimeOffset from, DateTimeOffset to, string interval);

    [LoggerMessage(Level = LogLevel.Information, Message = "Backfill job {JobId} finished: {Succeeded} of {Items} instruments succeeded")]
    private static partial void LogFinished(ILogger logger, Guid jobId, int succeeded, int items);

    [LoggerMessage(Level = LogLevel.Information, Message = "Backfill job {JobId} was cancelled; stopping")]
    private static partial void LogCancelled(ILogger logger, Guid jobId);
}
