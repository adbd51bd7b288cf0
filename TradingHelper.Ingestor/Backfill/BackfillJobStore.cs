using Npgsql;
using NpgsqlTypes;
using TradingHelper.Core.Market;

namespace TradingHelper.Ingestor.Backfill;

/// <summary>SQL for backfill jobs, their items, feed gaps and the broker candles they fill.</summary>
public sealed class BackfillJobStore(NpgsqlDataSource dataSource)
{
    private static readonly TimeSpan OneMinute = TimeSpan.FromMinutes(1);

    public async Task<BackfillJob?> GetJobAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT id, from_time, to_time, interval, status FROM backfill_jobs WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = jobId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new BackfillJob(reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetString(3), reader.GetString(4))
            : null;
    }

    /// <summary>Jobs a crash or a lost command may have left behind, oldest first.</summary>
    public async Task<IReadOnlyList<Guid>> GetUnfinishedJobsAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT id FROM backfill_jobs WHERE status IN ('queued', 'running') ORDER BY created_at");
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }
        return ids;
    }

    public async Task<IReadOnlyList<BackfillJobItem>> GetItemsAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT instrument_id, status, fetched_to, candles_written FROM backfill_job_items WHERE job_id = $1 ORDER BY instrument_id");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = jobId });
        var items = new List<BackfillJobItem>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new BackfillJobItem(reader.GetInt32(0), reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2), reader.GetInt32(3)));
        }
        return items;
    }

    /// <summary>Kite tokens of instruments by internal id; an expired contract keeps the token its history is under.</summary>
    public async Task<IReadOnlyDictionary<int, uint>> GetKiteTokensAsync(IReadOnlyList<int> instrumentIds, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT instrument_id, kite_token FROM instruments WHERE instrument_id = ANY($1) AND kite_token IS NOT NULL");
        command.Parameters.Add(new NpgsqlParameter { Value = instrumentIds.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        var tokens = new Dictionary<int, uint>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            tokens[reader.GetInt32(0)] = checked((uint)reader.GetInt64(1));
        }
        return tokens;
    }

    public Task StartJobAsync(Guid jobId, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE backfill_jobs SET status = 'running', started_at = coalesce(started_at, now()), error = NULL WHERE id = $1 AND status IN ('queued', 'running')",
            cancellationToken, jobId);

    public Task FinishJobAsync(Guid jobId, string status, string? error, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE backfill_jobs SET status = $2, error = $3, finished_at = now() WHERE id = $1 AND status IN ('queued', 'running')",
            cancellationToken, jobId, status, error);

    public Task SetItemStatusAsync(Guid jobId, int instrumentId, string status, string? error, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE backfill_job_items SET status = $3, error = $4, updated_at = now() WHERE job_id = $1 AND instrument_id = $2",
            cancellationToken, jobId, instrumentId, status, error);

    /// <summary>
    /// Upserts one window's candles and moves the item's <c>fetched_to</c> in the same transaction, so a restart resumes
    /// exactly after the last window written; then asks for the window's candles to be recomputed.
    /// </summary>
    public async Task WriteWindowAsync(Guid jobId, int instrumentId, string broker, IReadOnlyList<HistoryCandle> candles, DateTimeOffset fetchedTo, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (candles.Count > 0)
        {
            var count = candles.Count;
            var buckets = new DateTimeOffset[count];
            var opens = new decimal[count];
            var highs = new decimal[count];
            var lows = new decimal[count];
            var closes = new decimal[count];
            var volumes = new long[count];
            var openInterests = new long?[count];
            for (var i = 0; i < count; i++)
            {
                var candle = candles[i];
                buckets[i] = candle.Start.ToUniversalTime();
                opens[i] = candle.Open;
                highs[i] = candle.High;
                lows[i] = candle.Low;
                closes[i] = candle.Close;
                volumes[i] = candle.Volume;
                openInterests[i] = candle.OpenInterest;
            }
            await using var upsert = new NpgsqlCommand(
                """
                INSERT INTO broker_candles (instrument_id, bucket, open, high, low, close, volume, oi, broker, fetched_at)
                SELECT $1, c.bucket, c.open, c.high, c.low, c.close, c.volume, c.oi, $9, now()
                FROM unnest($2::timestamptz[], $3::numeric[], $4::numeric[], $5::numeric[], $6::numeric[], $7::bigint[], $8::bigint[])
                    AS c(bucket, open, high, low, close, volume, oi)
                ON CONFLICT (instrument_id, bucket) DO UPDATE SET
                    open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close,
                    volume = excluded.volume, oi = excluded.oi, broker = excluded.broker, fetched_at = excluded.fetched_at
                """, connection, transaction);
            upsert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = instrumentId });
            upsert.Parameters.Add(new NpgsqlParameter { Value = buckets, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
            upsert.Parameters.Add(new NpgsqlParameter { Value = opens, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Numeric });
            upsert.Parameters.Add(new NpgsqlParameter { Value = highs, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Numeric });
            upsert.Parameters.Add(new NpgsqlParameter { Value = lows, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Numeric });
            upsert.Parameters.Add(new NpgsqlParameter { Value = closes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Numeric });
            upsert.Parameters.Add(new NpgsqlParameter { Value = volumes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            upsert.Parameters.Add(new NpgsqlParameter { Value = openInterests, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            upsert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = broker });
            await upsert.ExecuteNonQueryAsync(cancellationToken);

            // Candles of a past range are behind the refreshers' windows; this asks the CandleRefresher to recompute them.
            await using var invalidate = new NpgsqlCommand("SELECT invalidate_candles($1, $2)", connection, transaction);
            invalidate.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = buckets[0] });
            invalidate.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = buckets[^1] });
            await invalidate.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var progress = new NpgsqlCommand(
            """
            UPDATE backfill_job_items
            SET status = 'running', fetched_to = $3, candles_written = candles_written + $4, updated_at = now()
            WHERE job_id = $1 AND instrument_id = $2
            """, connection, transaction);
        progress.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = jobId });
        progress.Parameters.Add(new NpgsqlParameter<int> { TypedValue = instrumentId });
        progress.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = fetchedTo.ToUniversalTime() });
        progress.Parameters.Add(new NpgsqlParameter<int> { TypedValue = candles.Count });
        await progress.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Closed gaps, settled for <paramref name="settle"/>, that no job covers yet.</summary>
    public async Task<IReadOnlyList<long>> GetUnbackfilledGapsAsync(TimeSpan settle, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT id FROM feed_gaps
            WHERE ended_at IS NOT NULL AND backfill_job_id IS NULL AND NOT outside_market_hours AND ended_at <= now() - $1
            ORDER BY id LIMIT 100
            """);
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = settle });
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt64(0));
        }
        return ids;
    }

    /// <summary>
    /// Links a closed gap to a 1-minute job over [gap start floored to the minute, gap end ceiled to the minute)
    /// narrowed to market hours, so a gap that ends after the close is not fetched past it; a gap with no trading
    /// minute in it is marked instead, as history has nothing for it.
    /// </summary>
    public async Task<GapJobOutcome> CreateGapJobAsync(long gapId, MarketHours marketHours, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        DateTimeOffset startedAt, endedAt;
        await using (var read = new NpgsqlCommand(
            """
            SELECT started_at, ended_at FROM feed_gaps
            WHERE id = $1 AND ended_at IS NOT NULL AND backfill_job_id IS NULL AND NOT outside_market_hours
            FOR UPDATE
            """, connection, transaction))
        {
            read.Parameters.Add(new NpgsqlParameter<long> { TypedValue = gapId });
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return default;
            }
            startedAt = reader.GetFieldValue<DateTimeOffset>(0);
            endedAt = reader.GetFieldValue<DateTimeOffset>(1);
        }

        var from = MinuteFloor(startedAt);
        var to = MinuteFloor(endedAt) == endedAt ? endedAt : MinuteFloor(endedAt) + OneMinute;
        if (to <= from)
        {
            to = from + OneMinute;
        }
        if (marketHours.Clip(from, to) is not { } range)
        {
            await using var mark = new NpgsqlCommand("UPDATE feed_gaps SET outside_market_hours = true WHERE id = $1", connection, transaction);
            mark.Parameters.Add(new NpgsqlParameter<long> { TypedValue = gapId });
            await mark.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new GapJobOutcome(null, OutsideMarketHours: true);
        }

        await using var create = new NpgsqlCommand(
            """
            WITH job AS (
                INSERT INTO backfill_jobs (from_time, to_time, interval) VALUES ($2, $3, '1m')
                RETURNING id
            ),
            items AS (
                INSERT INTO backfill_job_items (job_id, instrument_id)
                SELECT DISTINCT job.id, instrument_id FROM job, feed_gaps, unnest(feed_gaps.instrument_ids) AS instrument_id
                WHERE feed_gaps.id = $1
            ),
            link AS (
                UPDATE feed_gaps SET backfill_job_id = job.id FROM job WHERE feed_gaps.id = $1
            )
            SELECT id FROM job
            """, connection, transaction);
        create.Parameters.Add(new NpgsqlParameter<long> { TypedValue = gapId });
        create.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = range.From.ToUniversalTime() });
        create.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = range.To.ToUniversalTime() });
        var jobId = (Guid)(await create.ExecuteScalarAsync(cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        return new GapJobOutcome(jobId, OutsideMarketHours: false);
    }

    private static DateTimeOffset MinuteFloor(DateTimeOffset instant) =>
        new(instant.UtcTicks - instant.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params object?[] values)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
