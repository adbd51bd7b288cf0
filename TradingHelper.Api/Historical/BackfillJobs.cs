using Npgsql;
using NpgsqlTypes;

namespace TradingHelper.Api.Historical;

/// <summary>Writes backfill jobs the way the Ingestor's BackfillJobStore reads them, and reads their progress.</summary>
public sealed class BackfillJobs(NpgsqlDataSource dataSource)
{
    /// <summary>Inserts the job (status queued) and one queued item per instrument in one statement.</summary>
    public async Task CreateAsync(Guid jobId, DateTimeOffset from, DateTimeOffset to, string interval, int[] tokens, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            WITH job AS (
                INSERT INTO backfill_jobs (id, from_time, to_time, interval) VALUES ($1, $2, $3, $4) RETURNING id
            )
            INSERT INTO backfill_job_items (job_id, instrument_id)
            SELECT job.id, token FROM job, unnest($5::integer[]) AS token
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = jobId });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = from.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = to.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = interval });
        command.Parameters.Add(new NpgsqlParameter { Value = tokens, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<BackfillJobView?> GetAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var jobCommand = new NpgsqlCommand(
            "SELECT status, from_time, to_time, interval, created_at, started_at, finished_at, error FROM backfill_jobs WHERE id = $1", connection);
        jobCommand.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = jobId });
        string status, interval;
        DateTimeOffset from, to, createdAt;
        DateTimeOffset? startedAt, finishedAt;
        string? error;
        await using (var reader = await jobCommand.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }
            status = reader.GetString(0);
            from = reader.GetFieldValue<DateTimeOffset>(1);
            to = reader.GetFieldValue<DateTimeOffset>(2);
            interval = reader.GetString(3);
            createdAt = reader.GetFieldValue<DateTimeOffset>(4);
            startedAt = reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5);
            finishedAt = reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6);
            error = reader.IsDBNull(7) ? null : reader.GetString(7);
        }

        await using var itemsCommand = new NpgsqlCommand(
            """
            SELECT b.instrument_id, i.exchange, i.tradingsymbol, b.status, b.fetched_to, b.candles_written, b.error
            FROM backfill_job_items b LEFT JOIN instruments i ON i.instrument_id = b.instrument_id
            WHERE b.job_id = $1
            ORDER BY b.instrument_id
            """, connection);
        itemsCommand.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = jobId });
        var items = new List<BackfillItemView>();
        await using (var reader = await itemsCommand.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var itemStatus = reader.GetString(3);
                DateTimeOffset? fetchedTo = reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4);
                items.Add(new BackfillItemView(
                    reader.GetInt32(0),
                    reader.IsDBNull(1) ? null : reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetString(2),
                    itemStatus,
                    fetchedTo,
                    reader.GetInt32(5),
                    ItemPercent(itemStatus, fetchedTo, from, to),
                    reader.IsDBNull(6) ? null : reader.GetString(6)));
            }
        }

        var errors = new List<string>();
        if (error is not null)
        {
            errors.Add(error);
        }
        errors.AddRange(items.Where(item => item.Error is not null).Select(item => $"{item.Token} {item.Tradingsymbol}: {item.Error}"));
        var percent = status == "succeeded" ? 100 : items.Count == 0 ? 0 : Math.Round(items.Average(item => item.Percent), 1);
        return new BackfillJobView(
            jobId, status, from, to, interval, createdAt, startedAt, finishedAt, percent, items.Sum(item => (long)item.CandlesWritten), error, errors, items);
    }

    // A finished item counts in full whatever its end; a running one by how far its fetched windows reach.
    private static double ItemPercent(string status, DateTimeOffset? fetchedTo, DateTimeOffset from, DateTimeOffset to)
    {
        if (status is "succeeded" or "failed" or "cancelled")
        {
            return 100;
        }
        if (fetchedTo is not { } reached || reached <= from)
        {
            return 0;
        }
        return Math.Round(Math.Min(1, (reached - from) / (to - from)) * 100, 1);
    }
}
