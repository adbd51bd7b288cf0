using System.Data;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using TradingHelper.Core.Storage;

namespace TradingHelper.Core.Candles;

/// <summary>
/// Keeps <c>candles_1m</c> current. Postgres profile: every few seconds recomputes the minutes since its watermark,
/// less a lookback for late ticks. Both profiles: recomputes the spans writers recorded with
/// <c>invalidate_candles()</c>, which TimescaleDB's refresh window would never reach. One instance runs at a time.
/// </summary>
public sealed partial class CandleRefresher(
    NpgsqlDataSource dataSource,
    StorageState storage,
    IOptions<CandleOptions> options,
    IOptions<StorageOptions> storageOptions,
    TimeProvider time,
    ILogger<CandleRefresher> logger) : BackgroundService
{
    // Spells "THCANDLE"; distinct from the migration and partition locks.
    private const long RefreshLockKey = 0x5448_4341_4E44_4C45;
    private const string WatermarkName = "candles_1m";
    private const int InvalidationsPerRun = 100;
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var profile = await storage.Ready.WaitAsync(stoppingToken);
        var settings = options.Value;
        while (true)
        {
            var started = time.GetTimestamp();
            try
            {
                await RefreshAsync(profile, stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // The watermark stays where it was, so the next run that reaches the database catches up. Any error
                // is survived: an exception escaping here would stop the host, and with it the capture.
                LogRefreshFailed(logger, exception);
            }
            var took = time.GetElapsedTime(started);
            var pause = PauseAfter(took, settings.RefreshInterval, settings.MaxBusyShare);
            if (took > settings.RefreshInterval)
            {
                LogSlowRefresh(logger, took, pause);
            }
            await Task.Delay(pause, time, stoppingToken);
        }
    }

    /// <summary>
    /// The wait before the next run: the rest of <paramref name="interval"/>, or longer when the run took so long that
    /// running again at once would keep the database busy more than <paramref name="maxBusyShare"/> of the time.
    /// </summary>
    /// <remarks>
    /// The recent window is recomputed whole each run, so its cost grows with the tick rate (3–4 minutes of ticks: ~20M
    /// rows at 100k ticks/s). Run back to back it took a core of PostgreSQL from the tick writer; paced, the candles
    /// trail further behind under such load while every tick is still committed promptly. Ticks come first.
    /// </remarks>
    internal static TimeSpan PauseAfter(TimeSpan took, TimeSpan interval, double maxBusyShare)
    {
        var rest = interval - took;
        var yielded = took * ((1 - maxBusyShare) / maxBusyShare);
        return rest > yielded ? rest : yielded;
    }

    /// <summary>
    /// Recomputes recorded invalidations, then (postgres profile) the candles from the watermark less the lookback
    /// to the current minute, in steps of at most <see cref="CandleOptions.CatchUpStep"/>. Returns how many
    /// candles changed in the postgres profile, or null when another instance is refreshing.
    /// </summary>
    internal async Task<long?> RefreshAsync(StorageProfile profile, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await AdvisoryLock.TryAcquireAsync(connection, RefreshLockKey, cancellationToken))
        {
            return null;
        }
        try
        {
            long changed = 0;
            try
            {
                changed += await RefreshInvalidatedAsync(connection, profile, cancellationToken);
            }
            catch (NpgsqlException exception) when (!cancellationToken.IsCancellationRequested && connection.FullState == ConnectionState.Open)
            {
                // Late ticks wait for the next run; the live minutes must not wait behind them. A lost session ends
                // the run instead: its connection cannot run the live minutes either.
                LogRefreshFailed(logger, exception);
            }
            if (profile == StorageProfile.Postgres)
            {
                changed += await RefreshRecentAsync(connection, cancellationToken);
            }
            return changed;
        }
        finally
        {
            await AdvisoryLock.ReleaseAsync(connection, RefreshLockKey);
        }
    }

    private async Task<long> RefreshRecentAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
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

    private async Task<long> RefreshInvalidatedAsync(NpgsqlConnection connection, StorageProfile profile, CancellationToken cancellationToken)
    {
        var invalidations = new List<(long Id, DateTimeOffset From, DateTimeOffset To)>();
        await using (var pending = new NpgsqlCommand($"SELECT id, from_time, to_time FROM candle_invalidations ORDER BY id LIMIT {InvalidationsPerRun}", connection))
        await using (var reader = await pending.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                invalidations.Add((reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetFieldValue<DateTimeOffset>(2)));
            }
        }

        // A replayed spool records one range per batch, mostly overlapping: merged, each minute is recomputed once.
        invalidations.Sort((a, b) => a.From.CompareTo(b.From));
        var step = options.Value.CatchUpStep;
        long changed = 0;
        var index = 0;
        while (index < invalidations.Count)
        {
            var start = MinuteStart(invalidations[index].From);
            var end = MinuteStart(invalidations[index].To) + Minute;
            var ids = new List<long> { invalidations[index].Id };
            for (index++; index < invalidations.Count && MinuteStart(invalidations[index].From) <= end; index++)
            {
                var next = MinuteStart(invalidations[index].To) + Minute;
                end = next > end ? next : end;
                ids.Add(invalidations[index].Id);
            }
            // Split like the catch-up, so one tick with a stale timestamp cannot make a refresh too big to finish.
            for (var from = start; from < end; from += step)
            {
                var to = from + step < end ? from + step : end;
                if (profile == StorageProfile.Postgres)
                {
                    changed += await RefreshRangeAsync(connection, from, to, cancellationToken);
                }
                else
                {
                    await RefreshContinuousAggregateAsync(connection, from, to, cancellationToken);
                }
            }
            await DeleteInvalidationsAsync(connection, ids, cancellationToken);
            LogInvalidationRefreshed(logger, start, end);
        }
        return changed;
    }

    private async Task RefreshContinuousAggregateAsync(NpgsqlConnection connection, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        // Refreshing a span whose raw chunks retention already dropped would delete its candles, so stay a day clear.
        var oldestSafe = MinuteStart(time.GetUtcNow() - storageOptions.Value.TickRetention + TimeSpan.FromDays(1));
        if (from < oldestSafe)
        {
            from = oldestSafe;
        }
        if (from >= to)
        {
            return;
        }
        // A procedure that refuses to run inside a transaction block, so it runs on its own.
        await using var command = new NpgsqlCommand("CALL refresh_continuous_aggregate('candles_1m', $1, $2)", connection);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = from });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = to });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task DeleteInvalidationsAsync(NpgsqlConnection connection, List<long> ids, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("DELETE FROM candle_invalidations WHERE id = ANY($1)", connection);
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ids.ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Refreshing candles_1m took {Took}, longer than its interval; the next run waits {Pause} so the tick writer keeps the database")]
    private static partial void LogSlowRefresh(ILogger logger, TimeSpan took, TimeSpan pause);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing candles_1m failed; the next run resumes from the last watermark")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recomputed candles_1m from {From:o} to {To:o} for late ticks")]
    private static partial void LogInvalidationRefreshed(ILogger logger, DateTimeOffset from, DateTimeOffset to);

    [LoggerMessage(Level = LogLevel.Information, Message = "candles_1m caught up from {Watermark:o} to {RefreshedTo:o}; {Changed} candles changed")]
    private static partial void LogCaughtUp(ILogger logger, DateTimeOffset watermark, DateTimeOffset refreshedTo, long changed);
}
