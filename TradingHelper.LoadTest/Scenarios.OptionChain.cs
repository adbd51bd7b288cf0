using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace TradingHelper.LoadTest;

internal static partial class Scenarios
{
    private const int ChainStrikes = 100;
    private const int ChainRequests = 300;

    /// <summary>
    /// Seeds a NIFTY expiry of 200 contracts (100 strikes, calls and puts) with a session of ticks each (09:15–15:30 IST, one
    /// every 5 s) plus the index's, and the previous day's closing candles, then times <c>GET /api/option-chain</c> at a past
    /// minute (stored ticks) and live (Redis quotes, stored ticks of today).
    /// </summary>
    public static async Task<string> OptionChainAsync(Options options, CancellationToken cancellationToken)
    {
        await using var stack = await StartAndSubscribeAsync(options with { Instruments = 1, Duration = 0 }, cancellationToken);
        // A fixed past weekday and an expiry the simulator does not list, so no live tick of the run falls into either.
        var day = new DateOnly(2026, 11, 24);
        const string expiry = "2027-01-26";
        var open = new DateTimeOffset(day.ToDateTime(new TimeOnly(9, 15)), TimeSpan.FromHours(5.5));
        var seeding = Stopwatch.StartNew();
        long ticks;
        await using (var connection = new NpgsqlConnection(stack.DatabaseConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var seed = new NpgsqlCommand("""
                DO $$ BEGIN
                    IF to_regproc('create_tick_partition') IS NOT NULL THEN
                        PERFORM create_tick_partition(TIMESTAMPTZ '2026-11-24 00:00+05:30');
                    END IF;
                END $$;
                INSERT INTO instruments (exchange, tradingsymbol, segment, instrument_type, underlying, expiry, strike, tick_size, lot_size)
                SELECT 'NFO', 'NIFTY27JAN' || (21500 + s * 50) || side, 'NFO-OPT', side, 'NIFTY', DATE '2027-01-26', 21500 + s * 50, 0.05, 75
                FROM generate_series(0, @strikes - 1) AS s CROSS JOIN (VALUES ('CE'), ('PE')) AS t (side)
                ON CONFLICT DO NOTHING;
                INSERT INTO candles_1m (instrument_id, bucket, open, high, low, close, day_volume, oi, tick_count)
                SELECT i.instrument_id, @open - INTERVAL '1 day' + INTERVAL '374 minutes', 100, 100, 100, 100, 50000, 100000, 1
                FROM instruments i WHERE i.underlying = 'NIFTY' AND i.expiry = DATE '2027-01-26'
                ON CONFLICT DO NOTHING;
                INSERT INTO tick_data (time, instrument_id, last_price, volume, oi, bid_price, bid_quantity, ask_price, ask_quantity, exchange_time, received_at)
                SELECT @open + n * INTERVAL '5 seconds', i.instrument_id,
                       greatest(0.05, round((CASE WHEN i.instrument_type = 'CE' THEN 24000 - i.strike ELSE i.strike - 24000 END) / 2 + 300 + (n % 40) * 0.05, 2)),
                       75 * (n + 1), 100000 + 75 * (n % 200), 99.95, 75, 100.05, 75,
                       @open + n * INTERVAL '5 seconds', @open + n * INTERVAL '5 seconds'
                FROM instruments i CROSS JOIN generate_series(0, 4499) AS n
                WHERE (i.underlying = 'NIFTY' AND i.expiry = DATE '2027-01-26') OR (i.tradingsymbol = 'NIFTY 50' AND i.segment = 'INDICES');
                ANALYZE tick_data; ANALYZE candles_1m; ANALYZE instruments;
                """, connection);
            seed.CommandTimeout = 600;
            seed.Parameters.AddWithValue("strikes", ChainStrikes);
            seed.Parameters.AddWithValue("open", open.ToUniversalTime());
            await seed.ExecuteNonQueryAsync(cancellationToken);
            await using var count = new NpgsqlCommand("SELECT count(*) FROM tick_data", connection);
            ticks = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }
        seeding.Stop();

        var at = Uri.EscapeDataString(open.AddHours(5).ToString("yyyy-MM-ddTHH:mmzzz", CultureInfo.InvariantCulture));
        var (stored, storedContracts) = await TimeRequestsAsync(
            stack, new Uri(stack.ApiUrl, $"/api/option-chain?underlying=NIFTY&expiry={expiry}&at={at}"), 10, ChainRequests, ContractsOf, cancellationToken);
        var (live, liveContracts) = await TimeRequestsAsync(
            stack, new Uri(stack.ApiUrl, $"/api/option-chain?underlying=NIFTY&expiry={expiry}"), 10, ChainRequests, ContractsOf, cancellationToken);

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"{storedContracts} contracts of NIFTY {expiry}; {ticks:N0} ticks stored (the session of {day:yyyy-MM-dd} every 5 s per contract and the index), seeded in {seeding.Elapsed.TotalSeconds:F0} s");
        report.AppendLine(CultureInfo.InvariantCulture, $"{ChainRequests} timed requests after 10 warm-ups, one at a time");
        report.AppendLine(CultureInfo.InvariantCulture, $"GET /api/option-chain?at=  (stored ticks, 14:15 IST): {Percentiles(stored)}");
        report.AppendLine(CultureInfo.InvariantCulture, $"GET /api/option-chain      (live, {liveContracts} contracts):  {Percentiles(live)}");
        report.AppendLine(CultureInfo.InvariantCulture, $"load average: {Proc.LoadAverage()}");
        return report.ToString();
    }

    /// <summary>Times <paramref name="requests"/> GETs of <paramref name="url"/> one after the other, after <paramref name="warmups"/> untimed ones; <paramref name="count"/> reads what the last answer held.</summary>
    private static async Task<(List<double> Times, int Count)> TimeRequestsAsync(
        Stack stack, Uri url, int warmups, int requests, Func<JsonElement, int> count, CancellationToken cancellationToken)
    {
        var times = new List<double>();
        var counted = 0;
        for (var i = 0; i < requests + warmups; i++)
        {
            var watch = Stopwatch.StartNew();
            var body = await stack.Http.GetStringAsync(url, cancellationToken);
            watch.Stop();
            if (i >= warmups)
            {
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
            using var document = JsonDocument.Parse(body);
            counted = count(document.RootElement);
        }
        return (times, counted);
    }

    private static int ContractsOf(JsonElement chain)
    {
        var contracts = 0;
        foreach (var row in chain.GetProperty("strikes").EnumerateArray())
        {
            contracts += (row.GetProperty("call").ValueKind == JsonValueKind.Object ? 1 : 0) + (row.GetProperty("put").ValueKind == JsonValueKind.Object ? 1 : 0);
        }
        return contracts;
    }

    private static string Percentiles(List<double> values)
    {
        values.Sort();
        return string.Create(CultureInfo.InvariantCulture,
            $"p50 {values[values.Count / 2]:F1} ms, p95 {values[(int)(values.Count * 0.95)]:F1} ms, p99 {values[(int)(values.Count * 0.99)]:F1} ms, max {values[^1]:F1} ms");
    }
}
