using System.Globalization;
using TradingHelper.Tests.Storage;

namespace TradingHelper.Tests.Brokers.Kite.Ticker;

/// <summary>Copies rows of the simulator's instrument dump into <c>instruments</c>, so the Ingestor can map their tokens.</summary>
internal static class SimulatedInstruments
{
    /// <summary>One row of Kite's instrument CSV that the tests use.</summary>
    public sealed record Row(uint Token, string TradingSymbol, string Name, string? Expiry, decimal Strike, decimal TickSize, int LotSize, string Type, string Segment, string Exchange);

    public static async Task<IReadOnlyList<Row>> ReadAsync(HttpClient simulator, CancellationToken ct)
    {
        var csv = await simulator.GetStringAsync("/instruments", ct);
        return [.. csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line => line.Split(',')).Select(cells => new Row(
            uint.Parse(cells[0], CultureInfo.InvariantCulture), cells[2], cells[3], cells[5].Length == 0 ? null : cells[5],
            decimal.Parse(cells[6], CultureInfo.InvariantCulture), decimal.Parse(cells[7], CultureInfo.InvariantCulture),
            int.Parse(cells[8], CultureInfo.InvariantCulture), cells[9], cells[10], cells[11]))];
    }

    /// <summary>Inserts the rows and returns their instrument ids by token.</summary>
    public static async Task<Dictionary<uint, int>> InsertAsync(StorageTestDatabase database, IEnumerable<Row> rows, CancellationToken ct)
    {
        var ids = new Dictionary<uint, int>();
        foreach (var row in rows)
        {
            await using var command = database.DataSource.CreateCommand("""
                INSERT INTO instruments (exchange, tradingsymbol, name, segment, instrument_type, expiry, strike, tick_size, lot_size, kite_token)
                VALUES ($1, $2, $3, $4, $5, $6::date, $7, $8, $9, $10)
                RETURNING instrument_id
                """);
            command.Parameters.AddWithValue(row.Exchange);
            command.Parameters.AddWithValue(row.TradingSymbol);
            command.Parameters.AddWithValue(row.Name);
            command.Parameters.AddWithValue(row.Segment);
            command.Parameters.AddWithValue(row.Type);
            command.Parameters.AddWithValue((object?)row.Expiry ?? DBNull.Value);
            command.Parameters.AddWithValue(row.Strike);
            // Indices have no tick size in the dump; the table wants a positive one.
            command.Parameters.AddWithValue(row.TickSize > 0 ? row.TickSize : 0.05m);
            command.Parameters.AddWithValue(Math.Max(row.LotSize, 1));
            command.Parameters.AddWithValue((long)row.Token);
            ids[row.Token] = (int)(await command.ExecuteScalarAsync(ct))!;
        }
        return ids;
    }

    /// <summary>Subscribes an instrument in the given mode (ltp, quote or full), or changes its row.</summary>
    public static Task SubscribeAsync(StorageTestDatabase database, int instrumentId, string mode, bool active = true) =>
        database.ExecuteAsync($"""
            INSERT INTO subscriptions (instrument_id, mode, active) VALUES ({instrumentId}, '{mode}', {active})
            ON CONFLICT (instrument_id) DO UPDATE SET mode = excluded.mode, active = excluded.active, updated_at = now()
            """);
}
