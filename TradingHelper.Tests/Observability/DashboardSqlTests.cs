using System.Data.Common;
using System.Globalization;
using Npgsql;
using TradingHelper.Tests.Infrastructure;
using TradingHelper.Tests.Storage;

namespace TradingHelper.Tests.Observability;

/// <summary>
/// Every SQL query of every dashboard, expanded as Grafana expands it, run against a migrated database holding a
/// morning of ticks: each must return rows in the shape its panel needs.
/// </summary>
public sealed class DashboardSqlTests(TestServers servers)
{
    // Monday 2026-01-05, 09:15-09:30 IST: the first quarter hour of the session, with a feed gap at 09:20.
    private static readonly DateTimeOffset From = new(2026, 1, 5, 9, 15, 0, TimeSpan.FromHours(5.5));
    private static readonly DateTimeOffset To = From.AddMinutes(15);
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The test server is plain PostgreSQL, so the provisioned <c>timescaledb: true</c> expansion of
    /// <c>$__timeGroup</c> (<c>time_bucket('60.000s', col)</c>) runs against a stand-in <c>time_bucket</c> with
    /// TimescaleDB's origin; the plain expansion (<c>floor(extract(epoch from col)/60)*60</c>) runs as is.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Every_dashboard_query_returns_the_columns_its_panel_needs(bool timescaleExpansion)
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, $"dashboards_{timescaleExpansion}");
        await SeedMorningAsync(database);
        if (timescaleExpansion)
        {
            await database.ExecuteAsync("""
                CREATE FUNCTION time_bucket(bucket_width interval, ts timestamptz) RETURNS timestamptz
                LANGUAGE sql IMMUTABLE AS $$ SELECT date_bin(bucket_width, ts, TIMESTAMPTZ '2000-01-03 00:00+00') $$
                """);
        }

        var failures = new List<string>();
        var checkedQueries = 0;
        foreach (var dashboard in GrafanaDashboard.LoadAll())
        {
            var queries = dashboard.SqlQueries().ToList();
            foreach (var variables in await VariableScenariosAsync(database, dashboard, timescaleExpansion, failures))
            {
                foreach (var query in queries.Where(q => q.Use != "variable"))
                {
                    checkedQueries++;
                    var sql = Expand(query.RawSql, variables, timescaleExpansion);
                    try
                    {
                        var result = await RunAsync(database, sql);
                        failures.AddRange(ShapeProblems(query, result).Select(problem => $"{query} with {Describe(variables)}: {problem}\n{sql}"));
                    }
                    catch (PostgresException exception)
                    {
                        failures.Add($"{query} with {Describe(variables)}: {exception.MessageText}\n{sql}");
                    }
                }
            }
        }

        Assert.True(checkedQueries >= 15, $"Only {checkedQueries} dashboard SQL queries were found.");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    [Fact]
    public async Task Watchlist_shows_each_subscribed_instrument_against_its_previous_close()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "dashboard_watchlist");
        await SeedMorningAsync(database);
        var subscribed = await IdsAsync(database, "SELECT instrument_id FROM subscriptions WHERE active");

        var watchlist = await RunPanelAsync(database, "market-overview.json", "Watchlist", new() { ["instruments"] = new(subscribed, Multi: true) });
        var nifty = watchlist.Row("Instrument", "NIFTY26JANFUT");

        Assert.Equal(["BANKNIFTY26JANFUT", "NIFTY26JAN24000CE", "NIFTY26JAN24100PE", "NIFTY26JANFUT", "RELIANCE"], watchlist.Column("Instrument"));
        Assert.All(watchlist.Column("Change vs"), basis => Assert.Equal("previous close", basis));
        Assert.Equal(24019.4m, nifty["Last"]);
        // Friday closed at 23766.2.
        Assert.Equal(1.07m, nifty["Change %"]);
        // The session's rise of cumulative volume: 180 ticks of 200.
        Assert.Equal(36000L, nifty["Day volume"]);
        Assert.Equal(12134250L, nifty["OI"]);
    }

    [Fact]
    public async Task Watchlist_day_volume_is_not_the_previous_session_total_of_a_pre_open_snapshot()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "dashboard_watchlist_pre_open");
        await SeedMorningAsync(database);
        await database.ExecuteAsync("""
            INSERT INTO instruments (exchange, tradingsymbol, segment, instrument_type, tick_size, lot_size)
            VALUES ('NSE', 'SBIN', 'NSE', 'EQ', 0.05, 1);
            INSERT INTO subscriptions (instrument_id, active) SELECT instrument_id, true FROM instruments WHERE tradingsymbol = 'SBIN';
            INSERT INTO tick_data (time, instrument_id, last_price, volume, exchange_time, received_at)
            SELECT t.at, i.instrument_id, 800, 1000000, t.at, t.at
            FROM instruments i
            CROSS JOIN (VALUES (TIMESTAMPTZ '2026-01-02 15:29:50+05:30'), (TIMESTAMPTZ '2026-01-05 09:08:00+05:30')) AS t (at)
            WHERE i.tradingsymbol = 'SBIN';
            SELECT refresh_candles_1m('2026-01-01', '2026-01-06');
            """);
        var subscribed = await IdsAsync(database, "SELECT instrument_id FROM subscriptions WHERE active");

        var watchlist = await RunPanelAsync(database, "market-overview.json", "Watchlist", new() { ["instruments"] = new(subscribed, Multi: true) });

        Assert.Equal(0L, watchlist.Row("Instrument", "SBIN")["Day volume"]);
        Assert.Equal(36000L, watchlist.Row("Instrument", "NIFTY26JANFUT")["Day volume"]);
    }

    [Fact]
    public async Task Open_interest_table_reads_who_is_acting_from_price_and_oi()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "dashboard_oi");
        await SeedMorningAsync(database);
        var contracts = await IdsAsync(database, "SELECT instrument_id FROM instruments WHERE instrument_type IN ('FUT', 'CE', 'PE')");

        var table = await RunPanelAsync(database, "open-interest.json", "OI change over the range", new() { ["contracts"] = new(contracts, Multi: true) });

        Assert.Equal(["NIFTY26JAN24000CE", "NIFTY26JANFUT", "BANKNIFTY26JANFUT", "NIFTY26JAN24100PE"], table.Column("Instrument"));
        // Rising price with rising OI: new longs; rising price with falling OI: shorts buying back.
        Assert.Equal("Long build-up", table.Row("Instrument", "NIFTY26JANFUT")["Reading"]);
        Assert.Equal("Short covering", table.Row("Instrument", "BANKNIFTY26JANFUT")["Reading"]);
        Assert.Equal(-53700L, table.Row("Instrument", "BANKNIFTY26JANFUT")["OI change"]);
    }

    [Fact]
    public async Task Option_chain_panels_read_the_expiry_by_strike_with_pcr_and_max_pain()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "dashboard_option_chain");
        await SeedMorningAsync(database);
        Dictionary<string, VariableValue> expiry = new()
        {
            ["underlying"] = VariableValue.Single("NIFTY"),
            ["expiry"] = VariableValue.Single("2026-01-27"),
            ["buildup"] = VariableValue.Single("5 minutes"),
        };

        var chain = await RunPanelAsync(database, "open-interest.json", "Option chain: $underlying $expiry", expiry);
        var pcr = await RunPanelAsync(database, "open-interest.json", "Put-call ratio over the day", expiry);
        var maxPain = await RunPanelAsync(database, "open-interest.json", "Max pain over the day", expiry);
        var buildUp = await RunPanelAsync(database, "open-interest.json", "Build-up by contract over the last $buildup", expiry);

        // At 09:29:55 the call holds 4,000,000 + 179 × 1,200 and the put 3,000,000 − 179 × 500; Friday closed 59 ticks in.
        Assert.Equal([24000m, 24100m], chain.Column("Strike"));
        Assert.Equal(4_214_800L, chain.Row("Strike", 24000m)["CE OI"]);
        Assert.Equal(144_000L, chain.Row("Strike", 24000m)["CE OI change"]);
        Assert.Equal("long build-up", chain.Row("Strike", 24000m)["CE build-up"]);
        Assert.Equal(2_910_500L, chain.Row("Strike", 24100m)["PE OI"]);
        Assert.Equal(-60_000L, chain.Row("Strike", 24100m)["PE OI change"]);
        Assert.Equal("short covering", chain.Row("Strike", 24100m)["PE build-up"]);
        Assert.Equal(Math.Round(2_910_500m / 4_214_800m, 4), pcr.Rows[^1][pcr.Columns.IndexOf("PCR (OI)")]);
        // Settling at 24000 pays the put 100 a unit (291 M), at 24100 the call 100 a unit (421 M).
        Assert.Equal(24000m, maxPain.Rows[^1][maxPain.Columns.IndexOf("Max pain")]);
        Assert.Equal(["long build-up", "short covering"], buildUp.Column("Build-up"));
    }

    private static async Task<QueryResult> RunPanelAsync(StorageTestDatabase database, string file, string title, Dictionary<string, VariableValue> variables)
    {
        var query = GrafanaDashboard.LoadAll().Single(d => d.File == file).SqlQueries().Single(q => q.Where == title);
        return await RunAsync(database, Expand(query.RawSql, variables, timescaleExpansion: false));
    }

    private static async Task<List<string>> IdsAsync(StorageTestDatabase database, string sql) =>
        [.. (await RunAsync(database, sql)).Rows.Select(row => Convert.ToString(row[0], CultureInfo.InvariantCulture)!)];

    private static string Expand(string rawSql, IReadOnlyDictionary<string, VariableValue> variables, bool timescaleExpansion) =>
        GrafanaTemplate.ExpandSqlMacros(GrafanaTemplate.InterpolateSqlVariables(rawSql, variables), From, To, Interval, timescaleExpansion);

    /// <summary>
    /// Resolves the variables in dashboard order, as Grafana does on load: a query variable takes every value when
    /// it selects All, else its first; a custom variable yields one scenario per option, so each candle
    /// interval is run.
    /// </summary>
    private static async Task<List<Dictionary<string, VariableValue>>> VariableScenariosAsync(
        StorageTestDatabase database, GrafanaDashboard dashboard, bool timescaleExpansion, List<string> failures)
    {
        List<Dictionary<string, VariableValue>> scenarios = [new()];
        foreach (var variable in dashboard.Variables)
        {
            if (variable.Type == "custom")
            {
                scenarios = [.. from scenario in scenarios
                                from option in variable.Query.Split(',')
                                select new Dictionary<string, VariableValue>(scenario) { [variable.Name] = VariableValue.Single(option.Trim()) }];
                continue;
            }
            foreach (var scenario in scenarios)
            {
                var where = new DashboardSql(dashboard.File, $"${variable.Name}", "variable", "table", variable.Query);
                var sql = Expand(variable.Query, scenario, timescaleExpansion);
                var result = await RunAsync(database, sql);
                var problems = ShapeProblems(where, result).ToList();
                failures.AddRange(problems.Select(problem => $"{where}: {problem}\n{sql}"));
                if (problems.Count > 0)
                {
                    return [];
                }
                var valueColumn = result.Columns.Contains("__value") ? result.Columns.IndexOf("__value") : 0;
                var values = result.Rows.Select(row => Convert.ToString(row[valueColumn], CultureInfo.InvariantCulture)!).ToList();
                scenario[variable.Name] = variable.Multi || variable.IncludeAll
                    ? new VariableValue(values, Multi: true)
                    : VariableValue.Single(values[0]);
            }
        }
        return scenarios;
    }

    private static IEnumerable<string> ShapeProblems(DashboardSql query, QueryResult result)
    {
        if (result.Rows.Count == 0)
        {
            yield return "no rows";
            yield break;
        }
        switch (query.Use)
        {
            case "variable":
                if (!(result.Columns.Contains("__text") && result.Columns.Contains("__value")) && result.Columns.Count != 1)
                {
                    yield return $"a variable query returns __text and __value, or one column; got {string.Join(", ", result.Columns)}";
                }
                break;
            case "annotation":
                if (!result.IsTime("time"))
                {
                    yield return "an annotation needs a timestamp column named time";
                }
                if (!result.Columns.Contains("text"))
                {
                    yield return "an annotation needs a text column";
                }
                break;
            case "candlestick":
                foreach (var column in new[] { "open", "high", "low", "close", "volume" }.Where(c => !result.HasNumbers(c)))
                {
                    yield return $"a candlestick needs a numeric column {column} with values";
                }
                if (!result.IsTime("time"))
                {
                    yield return "a candlestick needs a timestamp column named time";
                }
                break;
            case "timeseries" or "state-timeline":
                if (!result.IsTime("time"))
                {
                    yield return $"a time series needs a column named time holding timestamps or epoch seconds; got {string.Join(", ", result.Columns)}";
                }
                else if (!result.IsSortedBy("time"))
                {
                    yield return "Grafana needs time series rows sorted by time";
                }
                if (query.Format != "time_series")
                {
                    yield return $"format is {query.Format}; a long result with a metric column needs time_series";
                }
                if (!result.Columns.Where(c => c is not "time" and not "metric").Any(result.HasNumbers))
                {
                    yield return "a time series needs a numeric value column with values";
                }
                break;
            case "stat" or "gauge" or "bargauge":
                if (!result.Columns.Any(result.HasNumbers))
                {
                    yield return "a stat needs a numeric column with values";
                }
                break;
        }
    }

    private static async Task<QueryResult> RunAsync(StorageTestDatabase database, string sql)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var types = Enumerable.Range(0, reader.FieldCount).Select(reader.GetFieldType).ToList();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = await reader.IsDBNullAsync(i, TestContext.Current.CancellationToken) ? null : reader.GetValue(i);
            }
            rows.Add(row);
        }
        return new QueryResult(columns, types, rows);
    }

    private static string Describe(Dictionary<string, VariableValue> variables) =>
        variables.Count == 0 ? "no variables" : string.Join(", ", variables.Select(v => $"${v.Key}={string.Join('|', v.Value.Values)}"));

    /// <summary>
    /// Five subscribed instruments (two futures, a call and a put of one expiry, a stock) and one unsubscribed, ticking every 5 s on
    /// Friday's last minutes and Monday's first quarter hour, with a 40 s feed gap at 09:20 backfilled from the
    /// broker, and candles_1m refreshed.
    /// </summary>
    private static async Task SeedMorningAsync(StorageTestDatabase database)
    {
        await database.ExecuteAsync("""
            INSERT INTO instruments (exchange, tradingsymbol, segment, instrument_type, underlying, expiry, strike, tick_size, lot_size)
            VALUES ('NFO', 'NIFTY26JANFUT', 'NFO-FUT', 'FUT', 'NIFTY', '2026-01-27', NULL, 0.1, 75),
                   ('NFO', 'BANKNIFTY26JANFUT', 'NFO-FUT', 'FUT', 'BANKNIFTY', '2026-01-27', NULL, 0.2, 35),
                   ('NFO', 'NIFTY26JAN24000CE', 'NFO-OPT', 'CE', 'NIFTY', '2026-01-27', 24000, 0.05, 75),
                   ('NFO', 'NIFTY26JAN24100PE', 'NFO-OPT', 'PE', 'NIFTY', '2026-01-27', 24100, 0.05, 75),
                   ('NSE', 'RELIANCE', 'NSE', 'EQ', NULL, NULL, NULL, 0.1, 1),
                   ('NSE', 'TCS', 'NSE', 'EQ', NULL, NULL, NULL, 0.1, 1);
            INSERT INTO subscriptions (instrument_id, active)
            SELECT instrument_id, tradingsymbol <> 'TCS' FROM instruments;

            WITH book (symbol, base, tick, oi_start, oi_step) AS (
                VALUES ('NIFTY26JANFUT', 24000.0, 0.1, 12000000, 750),
                       ('BANKNIFTY26JANFUT', 51000.0, 0.2, 2500000, -300),
                       ('NIFTY26JAN24000CE', 180.0, 0.05, 4000000, 1200),
                       ('NIFTY26JAN24100PE', 230.0, 0.05, 3000000, -500),
                       ('RELIANCE', 1250.0, 0.1, NULL, NULL),
                       ('TCS', 3900.0, 0.1, NULL, NULL)
            ),
            session (opens, ticks, level) AS (
                VALUES (TIMESTAMPTZ '2026-01-02 15:25:00+05:30', 60, 0.99),
                       (TIMESTAMPTZ '2026-01-05 09:15:00+05:30', 180, 1.0)
            )
            INSERT INTO tick_data (time, instrument_id, last_price, volume, oi, bid_price, bid_quantity, ask_price, ask_quantity, exchange_time, received_at)
            SELECT s.at, i.instrument_id, s.price, 200 * (n + 1), b.oi_start + b.oi_step * n,
                   s.price - b.tick, 50 + (n * 13) % 40, s.price + b.tick, 45 + (n * 7) % 50,
                   s.at - INTERVAL '200 milliseconds', s.at + INTERVAL '15 milliseconds'
            FROM book b
            JOIN instruments i ON i.tradingsymbol = b.symbol
            CROSS JOIN session d
            CROSS JOIN LATERAL generate_series(0, d.ticks - 1) AS n
            CROSS JOIN LATERAL (
                SELECT d.opens + n * INTERVAL '5 seconds' AS at,
                       round(b.base * d.level + ((n * 7) % 11 - 5) * b.tick * 3 + n * b.tick, 2) AS price
            ) s
            WHERE NOT (s.at >= TIMESTAMPTZ '2026-01-05 09:20:00+05:30' AND s.at < TIMESTAMPTZ '2026-01-05 09:20:40+05:30');

            INSERT INTO backfill_jobs (id, from_time, to_time, status)
            VALUES ('6a1d1c9e-0000-4000-8000-000000000920', '2026-01-05 09:20:00+05:30', '2026-01-05 09:21:00+05:30', 'succeeded');
            INSERT INTO feed_gaps (broker, connection, instrument_ids, started_at, ended_at, backfill_job_id)
            SELECT 'kite', 'kite-0', array_agg(instrument_id ORDER BY instrument_id),
                   '2026-01-05 09:20:00+05:30', '2026-01-05 09:20:40+05:30', '6a1d1c9e-0000-4000-8000-000000000920'
            FROM instruments;
            INSERT INTO broker_candles (instrument_id, bucket, open, high, low, close, volume, oi, broker)
            SELECT c.instrument_id, c.bucket, c.open, c.high + 1, c.low - 1, c.close, 2400, c.oi, 'kite'
            FROM (SELECT t.instrument_id, TIMESTAMPTZ '2026-01-05 09:20:00+05:30' AS bucket,
                         (array_agg(t.last_price ORDER BY t.time DESC))[1] AS open, max(t.last_price) AS high,
                         min(t.last_price) AS low, (array_agg(t.last_price ORDER BY t.time))[1] AS close,
                         (array_agg(t.oi ORDER BY t.time DESC))[1] AS oi
                  FROM tick_data t
                  WHERE t.time >= '2026-01-05 09:19:00+05:30' AND t.time < '2026-01-05 09:20:00+05:30'
                  GROUP BY t.instrument_id) c;

            SELECT refresh_candles_1m('2026-01-01', '2026-01-06');
            """);
    }

    private sealed record QueryResult(List<string> Columns, List<Type> Types, List<object?[]> Rows)
    {
        public List<object?> Column(string column) => [.. Rows.Select(row => row[Columns.IndexOf(column)])];

        public Dictionary<string, object?> Row(string keyColumn, object key) =>
            Columns.Zip(Rows.Single(row => Equals(row[Columns.IndexOf(keyColumn)], key))).ToDictionary(pair => pair.First, pair => pair.Second);

        public bool IsTime(string column) =>
            Columns.IndexOf(column) is var i and >= 0 && (Types[i] == typeof(DateTime) || IsNumeric(Types[i]));

        public bool HasNumbers(string column) =>
            Columns.IndexOf(column) is var i and >= 0 && IsNumeric(Types[i]) && Rows.Any(row => row[i] is not null);

        public bool IsSortedBy(string column)
        {
            var i = Columns.IndexOf(column);
            var instants = Rows.Select(row => row[i] switch
            {
                DateTime time => time.Ticks / (double)TimeSpan.TicksPerSecond,
                var value => Convert.ToDouble(value, CultureInfo.InvariantCulture),
            }).ToList();
            return instants.Zip(instants.Skip(1)).All(pair => pair.First <= pair.Second);
        }

        private static bool IsNumeric(Type type) =>
            type == typeof(short) || type == typeof(int) || type == typeof(long)
            || type == typeof(float) || type == typeof(double) || type == typeof(decimal);
    }
}
