using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TradingHelper.Core.Candles;
using TradingHelper.Core.Storage;
using TradingHelper.Tests.Candles;
using TradingHelper.Tests.Infrastructure;
using static TradingHelper.Tests.Candles.TickTape;

namespace TradingHelper.Tests.Storage;

public sealed class CandleRefresherTests(TestServers servers)
{
    private const int Future = 7;

    [Theory]
    [InlineData(0.2, 0.25, 4.8)] // a quick run keeps the interval from start to start
    [InlineData(12.0, 0.25, 36.0)] // a run longer than the interval waits three times its length at a 25 % share
    [InlineData(4.0, 0.5, 4.0)] // half the time at most: wait as long as the run took
    public void A_slow_refresh_waits_long_enough_to_leave_the_database_to_the_tick_writer(double tookSeconds, double maxBusyShare, double pauseSeconds)
    {
        var pause = CandleRefresher.PauseAfter(TimeSpan.FromSeconds(tookSeconds), TimeSpan.FromSeconds(5), maxBusyShare);

        Assert.Equal(pauseSeconds, pause.TotalSeconds, precision: 6);
    }

    [Fact]
    public async Task Refreshing_again_changes_nothing_and_a_late_tick_updates_its_candle()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "refresh_idempotent");
        var clock = new FakeTimeProvider(At("2026-01-05 09:18:30"));
        var refresher = CreateRefresher(database, clock);
        await database.TickAsync(Future, "2026-01-05 09:16:10", 100m, 10);
        await database.TickAsync(Future, "2026-01-05 09:17:10", 101m, 20);
        await database.TickAsync(Future, "2026-01-05 09:18:10", 102m, 30);

        var first = await refresher.RefreshAsync(StorageProfile.Postgres, TestContext.Current.CancellationToken);
        var snapshot = await CandleRowsAsync(database);
        var second = await refresher.RefreshAsync(StorageProfile.Postgres, TestContext.Current.CancellationToken);
        var afterSecond = await CandleRowsAsync(database);
        await database.TickAsync(Future, "2026-01-05 09:17:40", 99m, 25);
        clock.Advance(TimeSpan.FromSeconds(20));
        var third = await refresher.RefreshAsync(StorageProfile.Postgres, TestContext.Current.CancellationToken);

        Assert.Equal(3, first);
        Assert.Equal(0, second);
        Assert.Equal(3, snapshot.Count);
        Assert.Equal(snapshot, afterSecond);
        Assert.Equal(1, third);
        Assert.Equal("2026-01-05 09:17|101|101|99|25", await CandleRowAsync(database, At("2026-01-05 09:17")));
    }

    [Fact]
    public async Task Minutes_refreshed_one_run_at_a_time_measure_volume_from_the_session_open()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "refresh_session_volume");
        var clock = new FakeTimeProvider(At("2026-01-05 09:05:30"));
        var refresher = CreateRefresher(database, clock);
        var ct = TestContext.Current.CancellationToken;
        await database.TickAsync(Future, "2026-01-05 09:05:00", 100m, 1_000_000);
        await refresher.RefreshAsync(StorageProfile.Postgres, ct);
        foreach (var (minute, volume) in new[] { ("2026-01-05 09:15:10", 100L), ("2026-01-05 09:16:10", 250L), ("2026-01-05 09:17:10", 400L) })
        {
            await database.TickAsync(Future, minute, 101m, volume);
            clock.SetUtcNow(At(minute).AddSeconds(30));
            await refresher.RefreshAsync(StorageProfile.Postgres, ct);
        }

        var minutes = await new CandleQuery(database.DataSource).GetCandlesAsync(
            Future, At("2026-01-05 09:00"), At("2026-01-05 09:18"), CandleInterval.OneMinute, ct);

        Assert.Equal([0L, 100L, 150L, 150L], minutes.Select(c => c.Volume));
    }

    [Fact]
    public async Task Refresher_catches_up_the_minutes_it_missed_while_the_database_was_down()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "refresh_catch_up");
        var clock = new FakeTimeProvider(At("2026-01-05 09:15:00"));
        var refresher = CreateRefresher(database, clock);
        await refresher.RefreshAsync(StorageProfile.Postgres, TestContext.Current.CancellationToken);
        for (var minute = 0; minute < 150; minute += 10)
        {
            await database.TickAsync(Future, At("2026-01-05 09:15:30").AddMinutes(minute), 100m + minute, minute + 1);
        }

        // Two and a half hours later: longer than the lookback and than one catch-up step.
        clock.Advance(TimeSpan.FromMinutes(150));
        var changed = await refresher.RefreshAsync(StorageProfile.Postgres, TestContext.Current.CancellationToken);

        Assert.Equal(15, changed);
        Assert.Equal(15, await database.ScalarAsync<long>("SELECT count(*) FROM candles_1m"));
        Assert.Equal(At("2026-01-05 11:46").UtcDateTime, await database.ScalarAsync<DateTime>("SELECT refreshed_to FROM refresh_watermarks WHERE name = 'candles_1m'"));
    }

    [Fact]
    public async Task Late_ticks_the_writer_records_reach_their_candles()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "refresh_late");
        var clock = new FakeTimeProvider(At("2026-01-05 11:00:00"));
        var refresher = CreateRefresher(database, clock);
        await database.TickAsync(Future, "2026-01-05 09:30:10", 100m, 10);
        await database.RefreshAllCandlesAsync();
        await refresher.RefreshAsync(StorageProfile.Postgres, TestContext.Current.CancellationToken);
        // A spool replayed after an outage: ticks of 09:30-09:31, long behind the refresher's window.
        await database.TickAsync(Future, "2026-01-05 09:30:50", 104m, 15);
        await database.TickAsync(Future, "2026-01-05 09:31:20", 105m, 18);
        clock.Advance(TimeSpan.FromSeconds(5));
        await refresher.RefreshAsync(StorageProfile.Postgres, TestContext.Current.CancellationToken);
        var unnoticed = await CandleRowAsync(database, At("2026-01-05 09:30"));

        await database.ExecuteAsync($"SELECT invalidate_candles('{At("2026-01-05 09:30:50"):O}', '{At("2026-01-05 09:31:20"):O}')");
        var changed = await refresher.RefreshAsync(StorageProfile.Postgres, TestContext.Current.CancellationToken);

        Assert.Equal("2026-01-05 09:30|100|100|100|10", unnoticed);
        Assert.Equal(2, changed);
        Assert.Equal("2026-01-05 09:30|100|104|100|15", await CandleRowAsync(database, At("2026-01-05 09:30")));
        Assert.Equal("2026-01-05 09:31|105|105|105|18", await CandleRowAsync(database, At("2026-01-05 09:31")));
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM candle_invalidations"));
    }

    [Fact]
    public async Task Only_one_instance_refreshes_at_a_time()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "refresh_lock");
        var clock = new FakeTimeProvider(At("2026-01-05 09:18:30"));
        await database.TickAsync(Future, "2026-01-05 09:18:10", 102m, 30);
        await using var holder = await database.DataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using (var command = new Npgsql.NpgsqlCommand("SELECT pg_advisory_lock(x'544843414E444C45'::bigint)", holder))
        {
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var whileHeld = await CreateRefresher(database, clock).RefreshAsync(StorageProfile.Postgres, TestContext.Current.CancellationToken);
        await using (var command = new Npgsql.NpgsqlCommand("SELECT pg_advisory_unlock_all()", holder))
        {
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
        var afterwards = await CreateRefresher(database, clock).RefreshAsync(StorageProfile.Postgres, TestContext.Current.CancellationToken);

        Assert.Null(whileHeld);
        Assert.Equal(1, afterwards);
    }

    [Fact]
    public async Task A_session_lost_while_refreshing_late_ticks_fails_the_run_with_the_database_error_and_the_next_run_catches_up()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await StorageTestDatabase.CreateAsync(servers, "refresh_session_lost");
        var clock = new FakeTimeProvider(At("2026-01-05 11:00:00"));
        var refresher = CreateRefresher(database, clock);
        await database.TickAsync(Future, "2026-01-05 09:30:10", 100m, 10);
        await database.ExecuteAsync($"SELECT invalidate_candles('{At("2026-01-05 09:30:10"):O}', '{At("2026-01-05 09:30:10"):O}')");
        await using var blocker = await database.DataSource.OpenConnectionAsync(ct);
        await using var hold = await blocker.BeginTransactionAsync(ct);
        await using (var command = new Npgsql.NpgsqlCommand("LOCK TABLE candle_invalidations IN ACCESS EXCLUSIVE MODE", blocker, hold))
        {
            await command.ExecuteNonQueryAsync(ct);
        }

        var run = refresher.RefreshAsync(StorageProfile.Postgres, ct);
        var refresherSession = 0;
        while (refresherSession == 0 && !run.IsCompleted)
        {
            await Task.Delay(20, ct);
            refresherSession = await database.ScalarAsync<int>(
                "SELECT coalesce(max(pid), 0) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FROM candle_invalidations%'");
        }
        await database.ExecuteAsync($"SELECT pg_terminate_backend({refresherSession})");
        await hold.RollbackAsync(ct);

        // The periodic loop survives a database error; anything else would stop the host.
        await Assert.ThrowsAnyAsync<Npgsql.NpgsqlException>(() => run);
        var next = await refresher.RefreshAsync(StorageProfile.Postgres, ct);
        Assert.Equal(1, next);
        Assert.Equal("2026-01-05 09:30|100|100|100|10", await CandleRowAsync(database, At("2026-01-05 09:30")));
    }

    private static CandleRefresher CreateRefresher(StorageTestDatabase database, TimeProvider clock) =>
        new(database.DataSource, new StorageState(), Options.Create(new CandleOptions()), Options.Create(new StorageOptions()), clock, NullLogger<CandleRefresher>.Instance);

    private static async Task<List<string>> CandleRowsAsync(StorageTestDatabase database)
    {
        var rows = new List<string>();
        await using var command = database.DataSource.CreateCommand(
            "SELECT concat_ws('|', instrument_id, bucket, open, high, low, close, day_volume, oi, tick_count, xmin) FROM candles_1m ORDER BY bucket");
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            rows.Add(reader.GetString(0));
        }
        return rows;
    }

    private static async Task<string?> CandleRowAsync(StorageTestDatabase database, DateTimeOffset bucket)
    {
        await using var command = database.DataSource.CreateCommand(
            """
            SELECT concat_ws('|', to_char(bucket AT TIME ZONE 'Asia/Kolkata', 'YYYY-MM-DD HH24:MI'), open, high, low, day_volume)
            FROM candles_1m WHERE bucket = $1
            """);
        command.Parameters.Add(new Npgsql.NpgsqlParameter<DateTimeOffset> { TypedValue = bucket.ToUniversalTime() });
        return await command.ExecuteScalarAsync(TestContext.Current.CancellationToken) as string;
    }
}
