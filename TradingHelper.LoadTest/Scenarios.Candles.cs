using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace TradingHelper.LoadTest;

internal static partial class Scenarios
{
    private const int Repetitions = 50;

    /// <summary>
    /// Seeds one IST trading day (09:15–15:30, 375 one-minute candles) of tick-derived candles for one instrument, then
    /// times <c>candles()</c> server-side (EXPLAIN ANALYZE's execution time) and the Api's <c>GET /api/historical/candles</c>.
    /// </summary>
    public static async Task<string> CandlesAsync(Options options, CancellationToken cancellationToken)
    {
        await using var stack = await StartAndSubscribeAsync(options with { Instruments = 1, Duration = 0 }, cancellationToken);
        var id = (await stack.InstrumentIdsAsync(1, cancellationToken))[0];
        // A fixed past weekday, so the day is complete and no live tick of the run can fall into it.
        var day = new DateOnly(2026, 11, 24);
        var ist = TimeSpan.FromHours(5.5);
        var open = new DateTimeOffset(day.ToDateTime(new TimeOnly(9, 15)), ist);
        await using (var connection = new NpgsqlConnection(stack.DatabaseConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var seed = new NpgsqlCommand("""
                INSERT INTO candles_1m (instrument_id, bucket, open, high, low, close, day_volume, oi, tick_count)
                SELECT @id, @open + make_interval(mins => m), 100 + m * 0.05, 100.5 + m * 0.05, 99.5 + m * 0.05, 100.2 + m * 0.05,
                       1000 * (m + 1), 50000, 60
                FROM generate_series(0, 374) AS m
                ON CONFLICT DO NOTHING
                """, connection);
            seed.Parameters.AddWithValue("id", id);
            seed.Parameters.AddWithValue("open", open.ToUniversalTime());
            await seed.ExecuteNonQueryAsync(cancellationToken);
            await using var analyze = new NpgsqlCommand("ANALYZE candles_1m", connection);
            await analyze.ExecuteNonQueryAsync(cancellationToken);
        }

        var from = open.AddMinutes(-15);
        var to = open.AddHours(7);
        var server = new List<double>();
        var client = new List<double>();
        var rows = 0;
        await using (var connection = new NpgsqlConnection(stack.DatabaseConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            for (var i = 0; i < Repetitions + 5; i++)
            {
                await using var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, FORMAT JSON) SELECT * FROM candles(@id, @from, @to, '1m')", connection);
                explain.Parameters.AddWithValue("id", id);
                explain.Parameters.AddWithValue("from", from.ToUniversalTime());
                explain.Parameters.AddWithValue("to", to.ToUniversalTime());
                using var plan = JsonDocument.Parse((string)(await explain.ExecuteScalarAsync(cancellationToken))!);
                var top = plan.RootElement[0];
                rows = (int)top.GetProperty("Plan").GetProperty("Actual Rows").GetDouble();

                await using var select = new NpgsqlCommand("SELECT * FROM candles(@id, @from, @to, '1m')", connection);
                select.Parameters.AddWithValue("id", id);
                select.Parameters.AddWithValue("from", from.ToUniversalTime());
                select.Parameters.AddWithValue("to", to.ToUniversalTime());
                var watch = Stopwatch.StartNew();
                await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                    }
                }
                watch.Stop();
                // The first few runs warm plpgsql's plan cache and the buffer cache; steady state is what a chart sees.
                if (i >= 5)
                {
                    server.Add(top.GetProperty("Execution Time").GetDouble());
                    client.Add(watch.Elapsed.TotalMilliseconds);
                }
            }
        }

        var url = new Uri(stack.ApiUrl,
            $"/api/historical/candles?token={id}&from={Uri.EscapeDataString(from.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(to.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture))}&interval=1m");
        var (api, apiCandles) = await TimeRequestsAsync(stack, url, 5, Repetitions, body => body.GetProperty("candles").GetArrayLength(), cancellationToken);

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"instrument {id}, IST day {day:yyyy-MM-dd}, {Repetitions} timed runs after 5 warm-ups");
        report.AppendLine(CultureInfo.InvariantCulture, $"candles() rows: {rows}; Api candles: {apiCandles}");
        report.AppendLine(CultureInfo.InvariantCulture, $"candles() server-side (EXPLAIN ANALYZE Execution Time): {Percentiles(server)}");
        report.AppendLine(CultureInfo.InvariantCulture, $"candles() round trip from Npgsql:                     {Percentiles(client)}");
        report.AppendLine(CultureInfo.InvariantCulture, $"GET /api/historical/candles round trip (HttpClient):  {Percentiles(api)}");
        report.AppendLine(CultureInfo.InvariantCulture, $"load average: {Proc.LoadAverage()}");
        return report.ToString();
    }
}
