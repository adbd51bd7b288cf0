using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using TradingHelper.Core.Storage;

namespace TradingHelper.Core.Candles;

/// <summary>
/// Keeps the postgres profile's <c>candles_1m</c> table current from <c>tick_data</c>: every few seconds it
/// recomputes the minutes since its watermark, less a lookback for late ticks. One instance runs at a time.
/// </summary>
public sealed partial class CandleRefresher(
    NpgsqlDataSource dataSource,
    StorageState storage,
    IOptions<CandleOptions> options,
    TimeProvider time,
    ILogger<CandleRefresher> logger) : BackgroundService
{
    // Spells "THCANDLE"; distinct from the migration and partition locks.
    private const long RefreshLockKey = 0x5448_4341_4E44_4C45;
    private const string WatermarkName = "candles_1m";
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (await storage.Ready.WaitAsync(stoppingToken) != StorageProfile.Postgres)
        {
            // TimescaleDB's continuous-aggregate policy keeps candles_1m itself.
            return;
        }
        using var timer = new PeriodicTimer(options.Value.RefreshInterval, time);
        do
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (NpgsqlException exception) when (!stoppingToken.IsCancellationRequested)
            {
                // The watermark stays where it was, so the next run that reaches the database catches up.
                LogRefreshFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>
    /// Recomputes the candles from the watermark (less the lookback) to the current minute, in steps of at most
    /// <see cref="CandleOptions.CatchUpStep"/>. Returns how many candles changed, or null when another instance
    /// is refreshing.
    /// </summary>
    internal async Task<long?> RefreshAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await AdvisoryLock.TryAcquireAsync(connection, RefreshLockKey, cancellationToken))
        {
            return null;
        }
        try
        {
            var settings = options.Value;
            var currentMinute = MinuteStart(time.GetUtcNow());
            // The minute still in progress is refreshed too, so the table trails the ticks by one interval.
            var upTo = currentMinute + Minute;
            var watermark = await ReadWatermarkAsync(connection, cancellationToken) ?? currentMinute;
            var from = (watermark < currentMinute ? watermark : currentMinute) - settings.RefreshLookback;

            long changed = 0;
            while (from < upTo)
            {
                var to = from + settings.CatchUpStep < upTo ? from + settings.CatchUpStep : upTo;
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                changed += await RefreshRangeAsync(connection, from, to, cancellationToken);
                await WriteWatermarkAsync(connection, to, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                from = to;
            }
            if (upTo - watermark > settings.CatchUpStep)
            {
                LogCaughtUp(logger, watermark, upTo, changed);
            }
            return changed;
        }
        finally
        {
            await AdvisoryLock.ReleaseAsync(connection, RefreshLockKey);
        }
    }

    private static DateTimeOffset MinuteStart(DateTimeOffset instant) =>
        new(instant.UtcTicks - instant.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);

    private static async Task<long> RefreshRangeAsync(NpgsqlConnection connection, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT refresh_candles_1m($1, $2)", connection);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = from });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = to });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<DateTimeOffset?> ReadWatermarkAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT refreshed_to FROM refresh_watermarks WHERE name = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = WatermarkName });
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime value ? new DateTimeOffset(value, TimeSpan.Zero) : null;
    }

    private static async Task WriteWatermarkAsync(NpgsqlConnection connection, DateTimeOffset refreshedTo, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO refresh_watermarks (name, refreshed_to, updated_at) VALUES ($1, $2, now())
            ON CONFLICT (name) DO UPDATE SET refreshed_to = EXCLUDED.refreshed_to, updated_at = EXCLUDED.updated_at
            """,
            connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = WatermarkName });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = refreshedTo });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing candles_1m failed; the next run resumes from the last watermark")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "candles_1m caught up from {Watermark:o} to {RefreshedTo:o}; {Changed} candles changed")]
    private static partial void LogCaughtUp(ILogger logger, DateTimeOffset watermark, DateTimeOffset refreshedTo, long changed);
}
