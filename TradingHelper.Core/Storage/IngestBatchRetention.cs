using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace TradingHelper.Core.Storage;

/// <summary>
/// Deletes <c>ingest_batches</c> rows a day older than the tick retention: by then their ticks are gone, and no
/// spool replay can still need them to recognise a batch as committed.
/// </summary>
internal sealed partial class IngestBatchRetention(
    NpgsqlDataSource dataSource,
    StorageState storage,
    IOptions<StorageOptions> options,
    TimeProvider timeProvider,
    ILogger<IngestBatchRetention> logger) : BackgroundService
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromHours(1);

    /// <summary>Deletes expired rows and returns how many went; uses the committed_at index, so it stays cheap.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var keep = options.Value.TickRetention + TimeSpan.FromDays(1);
        await using var command = dataSource.CreateCommand("DELETE FROM ingest_batches WHERE committed_at < $1");
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = (timeProvider.GetUtcNow() - keep).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await storage.Ready.WaitAsync(stoppingToken);
            using var timer = new PeriodicTimer(SweepInterval, timeProvider);
            do
            {
                try
                {
                    LogSwept(logger, await SweepAsync(stoppingToken));
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    // Harmless to miss a sweep: the rows only take space until the next one.
                    LogSweepFailed(logger, exception);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Deleted {Count} expired ingest_batches rows")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleting expired ingest_batches rows failed; trying again at the next sweep")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
