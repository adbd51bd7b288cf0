using Npgsql;
using NpgsqlTypes;
using TradingHelper.Core.Market;

namespace TradingHelper.Core.Storage;

/// <summary>
/// Writes one tick batch with binary COPY and records its id in <c>ingest_batches</c> in the same transaction,
/// so a batch is either fully in <c>tick_data</c> with its id, or not at all.
/// </summary>
internal sealed class TickBatchCommitter(NpgsqlDataSource dataSource, string writerId, TimeProvider timeProvider)
{
    // Both candle refreshers (the continuous aggregate's policy and CandleRefresher) cover the last minute
    // at least; older ticks land behind them and their candles must be recomputed explicitly.
    private static readonly TimeSpan LateTickAge = TimeSpan.FromMinutes(1);

    private const string ClaimSql = "INSERT INTO ingest_batches (batch_id, writer, row_count) VALUES ($1, $2, $3) ON CONFLICT (batch_id) DO NOTHING";

    private const string CopySql =
        "COPY tick_data (time, instrument_id, last_price, last_quantity, average_price, volume, oi, " +
        "bid_price, bid_quantity, ask_price, ask_quantity, exchange_time, received_at) FROM STDIN (FORMAT BINARY)";

    /// <summary>Commits the batch; false when its id was already committed (a replay after a crash), writing nothing.</summary>
    public async Task<bool> CommitAsync(Guid batchId, Tick[] ticks, int count, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Claiming the id first means a concurrent replay of the same batch waits on the key, then sees it taken.
        await using (var claim = new NpgsqlCommand(ClaimSql, connection, transaction))
        {
            claim.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = batchId, NpgsqlDbType = NpgsqlDbType.Uuid });
            claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = writerId, NpgsqlDbType = NpgsqlDbType.Text });
            claim.Parameters.Add(new NpgsqlParameter<int> { TypedValue = count, NpgsqlDbType = NpgsqlDbType.Integer });
            if (await claim.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return false;
            }
        }

        var oldest = DateTimeOffset.MaxValue;
        var newest = DateTimeOffset.MinValue;
        await using (var importer = await connection.BeginBinaryImportAsync(CopySql, cancellationToken))
        {
            for (var i = 0; i < count; i++)
            {
                var time = ticks[i].Time;
                oldest = time < oldest ? time : oldest;
                newest = time > newest ? time : newest;
                await WriteRowAsync(importer, ticks[i], cancellationToken);
            }
            await importer.CompleteAsync(cancellationToken);
        }
        if (count > 0 && oldest < timeProvider.GetUtcNow() - LateTickAge)
        {
            await using var invalidate = new NpgsqlCommand("SELECT invalidate_candles($1, $2)", connection, transaction);
            invalidate.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = oldest.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            invalidate.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = newest.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await invalidate.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static async Task WriteRowAsync(NpgsqlBinaryImporter importer, Tick tick, CancellationToken cancellationToken)
    {
        // Npgsql writes timestamptz only from UTC values; a Kite exchange time arrives at +05:30.
        await importer.StartRowAsync(cancellationToken);
        await importer.WriteAsync(tick.Time.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
        await importer.WriteAsync(tick.InstrumentId, NpgsqlDbType.Integer, cancellationToken);
        await importer.WriteAsync(tick.LastPrice, NpgsqlDbType.Numeric, cancellationToken);
        await importer.WriteAsync(tick.LastQuantity, NpgsqlDbType.Bigint, cancellationToken);
        await importer.WriteAsync(tick.AveragePrice, NpgsqlDbType.Numeric, cancellationToken);
        await importer.WriteAsync(tick.Volume, NpgsqlDbType.Bigint, cancellationToken);
        await importer.WriteAsync(tick.OpenInterest, NpgsqlDbType.Bigint, cancellationToken);
        await WriteOptionalAsync(importer, tick.BidPrice, NpgsqlDbType.Numeric, cancellationToken);
        await WriteOptionalAsync(importer, tick.BidQuantity, NpgsqlDbType.Bigint, cancellationToken);
        await WriteOptionalAsync(importer, tick.AskPrice, NpgsqlDbType.Numeric, cancellationToken);
        await WriteOptionalAsync(importer, tick.AskQuantity, NpgsqlDbType.Bigint, cancellationToken);
        await WriteOptionalAsync(importer, tick.ExchangeTime?.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
        await importer.WriteAsync(tick.ReceivedAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
    }

    private static Task WriteOptionalAsync<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type, CancellationToken cancellationToken)
        where T : struct =>
        value.HasValue ? importer.WriteAsync(value.GetValueOrDefault(), type, cancellationToken) : importer.WriteNullAsync(cancellationToken);
}
