using System.Diagnostics;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace TradingHelper.LoadTest;

/// <summary>What raw binary COPY into <c>tick_data</c> sustains on this machine right now, with nothing else on the write path.</summary>
internal sealed record CeilingResult(double RowsPerSecond, int Connections, int BatchSize, double MeanCommitMilliseconds, string LoadAverage);

internal static partial class Scenarios
{
    // The Ingestor's COPY, column for column, so the ceiling pays for the same row shape and both indexes.
    private const string CeilingCopySql =
        "COPY tick_data (time, instrument_id, last_price, last_quantity, average_price, volume, oi, " +
        "bid_price, bid_quantity, ask_price, ask_quantity, exchange_time, received_at) FROM STDIN (FORMAT BINARY)";

    /// <summary>
    /// Commits batches of full-mode-shaped rows over <see cref="Options.CeilingConnections"/> connections for
    /// <see cref="Options.CeilingSeconds"/>, each batch its own durable transaction.
    /// </summary>
    private static async Task<CeilingResult> MeasureCeilingAsync(Stack stack, int[] instrumentIds, Options options, CancellationToken cancellationToken)
    {
        var end = Stopwatch.GetTimestamp() + (long)(options.CeilingSeconds * (double)Stopwatch.Frequency);
        var workers = new Task<(long Rows, long Commits, double CommitSeconds)>[options.CeilingConnections];
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < workers.Length; i++)
        {
            var offset = i;
            workers[i] = Task.Run(() => CopyUntilAsync(stack.DatabaseConnectionString, instrumentIds, offset, options.CeilingBatch, end, cancellationToken), cancellationToken);
        }
        var results = await Task.WhenAll(workers);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var load = Proc.LoadAverage();
        var rows = results.Sum(r => r.Rows);
        var commits = results.Sum(r => r.Commits);
        return new CeilingResult(rows / seconds, options.CeilingConnections, options.CeilingBatch, results.Sum(r => r.CommitSeconds) / Math.Max(1, commits) * 1000, load);
    }

    private static async Task<(long Rows, long Commits, double CommitSeconds)> CopyUntilAsync(
        string connectionString, int[] instrumentIds, int offset, int batchSize, long endTimestamp, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        long rows = 0, commits = 0;
        double commitSeconds = 0;
        while (Stopwatch.GetTimestamp() < endTimestamp)
        {
            var batchStarted = Stopwatch.GetTimestamp();
            await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
            {
                var now = DateTime.UtcNow;
                var exchangeTime = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
                await using (var importer = await connection.BeginBinaryImportAsync(CeilingCopySql, cancellationToken))
                {
                    for (var i = 0; i < batchSize; i++)
                    {
                        // Prices vary like quotes do, so numeric encoding is not a constant shortcut.
                        var price = 100m + ((rows + i) % 50_000) * 0.05m;
                        await importer.StartRowAsync(cancellationToken);
                        await importer.WriteAsync(exchangeTime, NpgsqlDbType.TimestampTz, cancellationToken);
                        await importer.WriteAsync(instrumentIds[(offset + i) % instrumentIds.Length], NpgsqlDbType.Integer, cancellationToken);
                        await importer.WriteAsync(price, NpgsqlDbType.Numeric, cancellationToken);
                        await importer.WriteAsync(75L, NpgsqlDbType.Bigint, cancellationToken);
                        await importer.WriteAsync(price - 0.35m, NpgsqlDbType.Numeric, cancellationToken);
                        await importer.WriteAsync(1_000_000L + rows + i, NpgsqlDbType.Bigint, cancellationToken);
                        await importer.WriteAsync(250_000L, NpgsqlDbType.Bigint, cancellationToken);
                        await importer.WriteAsync(price - 0.05m, NpgsqlDbType.Numeric, cancellationToken);
                        await importer.WriteAsync(1_500L, NpgsqlDbType.Bigint, cancellationToken);
                        await importer.WriteAsync(price + 0.05m, NpgsqlDbType.Numeric, cancellationToken);
                        await importer.WriteAsync(1_200L, NpgsqlDbType.Bigint, cancellationToken);
                        await importer.WriteAsync(exchangeTime, NpgsqlDbType.TimestampTz, cancellationToken);
                        await importer.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken);
                    }
                    await importer.CompleteAsync(cancellationToken);
                }
                await transaction.CommitAsync(cancellationToken);
            }
            commitSeconds += Stopwatch.GetElapsedTime(batchStarted).TotalSeconds;
            rows += batchSize;
            commits++;
        }
        return (rows, commits, commitSeconds);
    }

    private static string Describe(CeilingResult ceiling) => string.Create(CultureInfo.InvariantCulture,
        $"COPY ceiling: {ceiling.RowsPerSecond:N0} rows/s  (raw binary COPY into tick_data, {ceiling.Connections} connection(s) × {ceiling.BatchSize:N0}-row batches, one durable commit each, mean batch {ceiling.MeanCommitMilliseconds:F1} ms; load average {ceiling.LoadAverage})");
}
