using Microsoft.Extensions.Options;
using Npgsql;
using TradingHelper.Core.Market;
using TradingHelper.Core.Storage;
using TradingHelper.Ingestor.Brokers.Kite;

namespace TradingHelper.Ingestor.Instruments;

/// <summary>
/// Syncs Kite's instrument dump every day at <see cref="KiteRestOptions.InstrumentSyncTime"/> IST (Kite publishes it
/// around 08:00), and at start-up when no instrument has a Kite token yet. One Ingestor does it, under an advisory lock.
/// </summary>
public sealed partial class DailyInstrumentSync(
    InstrumentSync sync,
    KiteInstrumentStore store,
    NpgsqlDataSource dataSource,
    StorageState storage,
    IOptions<KiteRestOptions> options,
    TimeProvider time,
    ILogger<DailyInstrumentSync> logger) : BackgroundService
{
    // Spells "THINSTRU"; distinct from the storage locks.
    private const long SyncLockKey = 0x5448_494E_5354_5255;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await storage.Ready.WaitAsync(stoppingToken);
        DateTimeOffset? due;
        try
        {
            due = await store.HasKiteInstrumentsAsync(stoppingToken) ? null : time.GetUtcNow();
        }
        catch (NpgsqlException exception)
        {
            // Unknown means possibly empty: syncing once too often is cheap, missing the first sync is not.
            LogCheckFailed(logger, exception);
            due = time.GetUtcNow();
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            var next = due ?? IstClock.Next(time.GetUtcNow(), options.Value.InstrumentSyncTime);
            var wait = next - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                LogNextSync(logger, next);
                await Task.Delay(wait, time, stoppingToken);
            }
            try
            {
                await RunOnceAsync(due is null ? "daily" : "start-up, no Kite instruments yet", stoppingToken);
                due = null;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // The day's dump matters (new strikes, reused tokens): retry soon rather than tomorrow.
                LogSyncFailed(logger, exception, RetryDelay.TotalMinutes);
                due = time.GetUtcNow() + RetryDelay;
            }
        }
    }

    /// <summary>Syncs once unless another Ingestor holds the lock; returns null in that case.</summary>
    internal async Task<InstrumentSyncResult?> RunOnceAsync(string reason, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await AdvisoryLock.TryAcquireAsync(connection, SyncLockKey, cancellationToken))
        {
            LogSkipped(logger);
            return null;
        }
        try
        {
            return await sync.RunAsync(reason, exchanges: null, cancellationToken);
        }
        finally
        {
            await AdvisoryLock.ReleaseAsync(connection, SyncLockKey);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Next Kite instrument sync at {Next:O}")]
    private static partial void LogNextSync(ILogger logger, DateTimeOffset next);

    [LoggerMessage(Level = LogLevel.Information, Message = "Another Ingestor is syncing Kite instruments; skipped")]
    private static partial void LogSkipped(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell whether Kite instruments exist; syncing now")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Kite instrument sync failed; retrying in {Minutes} minutes")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception, double minutes);
}
