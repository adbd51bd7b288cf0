using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace TradingHelper.Core.Storage;

/// <summary>
/// Postgres profile: keeps a daily <c>tick_data</c> partition ready for today and the days ahead, moves ticks
/// stranded in the default partition into their day, and drops days past <see cref="StorageOptions.TickRetention"/>.
/// Timescale profile: sets the retention policy to <see cref="StorageOptions.TickRetention"/> once at start.
/// </summary>
public sealed partial class PartitionMaintenance(
    NpgsqlDataSource dataSource,
    StorageState storage,
    IOptions<StorageOptions> options,
    TimeProvider time,
    ILogger<PartitionMaintenance> logger) : BackgroundService
{
    // Spells "THPARTIT"; distinct from the migration and candle locks.
    private const long MaintenanceLockKey = 0x5448_5041_5254_4954;

    /// <summary>
    /// Runs the first pass before the host starts the services after this one, the broker feed among them: today's
    /// ticks then land in today's partition. Moving them out of the default partition later, while an attach is
    /// committing, can hide them from a query planned just before it.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (storage.Ready is { IsCompletedSuccessfully: true, Result: StorageProfile.Postgres })
        {
            try
            {
                await MaintainAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
            {
                LogMaintenanceFailed(logger, exception);
            }
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (await storage.Ready.WaitAsync(stoppingToken) != StorageProfile.Postgres)
        {
            // TimescaleDB creates chunks on demand and its retention policy drops them.
            await ApplyTimescaleRetentionAsync(stoppingToken);
            return;
        }
        using var timer = new PeriodicTimer(options.Value.MaintenanceInterval, time);
        do
        {
            try
            {
                await MaintainAsync(stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // Ticks of a day without a partition wait in the default partition until a later run succeeds.
                LogMaintenanceFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Runs one maintenance pass; returns what changed, or null when another instance is running one.</summary>
    internal async Task<IReadOnlyList<(string Action, string Partition)>?> MaintainAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await AdvisoryLock.TryAcquireAsync(connection, MaintenanceLockKey, cancellationToken))
        {
            return null;
        }
        try
        {
            var settings = options.Value;
            await using var command = new NpgsqlCommand("SELECT action, partition_name FROM maintain_tick_partitions($1, $2, $3)", connection);
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = time.GetUtcNow().ToUniversalTime() });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = settings.PartitionsAhead });
            command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = settings.TickRetention });

            var changes = new List<(string Action, string Partition)>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var change = (reader.GetString(0), reader.GetString(1));
                LogPartitionChanged(logger, change.Item1, change.Item2);
                changes.Add(change);
            }
            return changes;
        }
        finally
        {
            await AdvisoryLock.ReleaseAsync(connection, MaintenanceLockKey);
        }
    }

    private async Task ApplyTimescaleRetentionAsync(CancellationToken cancellationToken)
    {
        var retention = options.Value.TickRetention;
        try
        {
            await using var command = dataSource.CreateCommand("SELECT set_tick_retention($1)");
            command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = retention });
            if (await command.ExecuteScalarAsync(cancellationToken) is true)
            {
                LogRetentionChanged(logger, retention);
            }
        }
        catch (NpgsqlException exception) when (!cancellationToken.IsCancellationRequested)
        {
            LogRetentionFailed(logger, retention, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Raw ticks are now kept for {Retention}")]
    private static partial void LogRetentionChanged(ILogger logger, TimeSpan retention);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Setting the tick retention policy to {Retention} failed; the previous policy stays")]
    private static partial void LogRetentionFailed(ILogger logger, TimeSpan retention, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tick partition maintenance failed; retrying at the next interval")]
    private static partial void LogMaintenanceFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tick partition {Partition} {Action}")]
    private static partial void LogPartitionChanged(ILogger logger, string action, string partition);
}
