using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TradingHelper.Core.Candles;
using TradingHelper.Core.Commands;
using TradingHelper.Core.Market;
using TradingHelper.Core.Storage;
using TradingHelper.Ingestor.Backfill;
using TradingHelper.Ingestor.Brokers.Kite;
using TradingHelper.Tests.Infrastructure;
using TradingHelper.Tests.Storage;

namespace TradingHelper.Tests.Brokers.Kite;

public sealed class KiteBackfillTests(TestServers servers)
{
    private static readonly TimeSpan JobWait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_backfill_job_fills_broker_candles_that_the_candle_query_then_serves()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "kite_backfill_job");
        await using var kite = new KiteHarness();
        var ct = TestContext.Current.CancellationToken;
        await KiteInstrumentSyncTests.Sync(database, kite).RunAsync("test", null, ct);
        var (future, stock) = await InstrumentIdsAsync(database);
        var from = KiteRestClientTests.PastMonday().AddHours(9).AddMinutes(15);
        var to = from.AddHours(1);
        // As the Api writes it; a 5m job still fetches minutes, from which candles() builds 5m.
        var jobId = await CreateJobAsync(database, from, to, "5m", future, stock);
        var (store, runner) = Backfill(database, kite);
        var worker = Worker(store, runner, kite);
        await worker.StartAsync(ct);

        await new BackfillHandler(store, worker).HandleAsync($$"""{"jobId":"{{jobId}}"}""", ct);
        var status = await WaitForJobAsync(database, jobId);
        await worker.StopAsync(ct);

        Assert.Equal("succeeded", status);
        Assert.Equal(
            $"succeeded|60|{to.UtcDateTime:yyyy-MM-dd HH:mm}, succeeded|60|{to.UtcDateTime:yyyy-MM-dd HH:mm}",
            await database.ScalarAsync<string>($"""
                SELECT string_agg(status || '|' || candles_written || '|' || to_char(fetched_to AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), ', ' ORDER BY instrument_id)
                FROM backfill_job_items WHERE job_id = '{jobId}'
                """));
        Assert.Equal(120, await database.ScalarAsync<long>("SELECT count(*) FROM broker_candles WHERE broker = 'kite'"));
        Assert.True(await database.ScalarAsync<long>("SELECT count(*) FROM candle_invalidations") > 0);
        var query = new CandleQuery(database.DataSource);
        var minutes = await query.GetCandlesAsync(future, from, to, CandleInterval.OneMinute, ct);
        Assert.Equal(60, minutes.Count);
        Assert.All(minutes, candle => Assert.Equal(CandleSource.Broker, candle.Source));
        Assert.All(minutes, candle => Assert.True(candle.OpenInterest > 0));
        var fives = await query.GetCandlesAsync(future, from, to, CandleInterval.FiveMinutes, ct);
        Assert.Equal(12, fives.Count);
        Assert.Equal(minutes.Take(5).Sum(candle => candle.Volume), fives[0].Volume);
    }

    [Fact]
    public async Task A_backfill_naming_an_unknown_job_is_rejected()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "kite_backfill_unknown");
        await using var kite = new KiteHarness();
        var (store, runner) = Backfill(database, kite);
        var handler = new BackfillHandler(store, Worker(store, runner, kite));

        var error = await Assert.ThrowsAsync<CommandRejectedException>(
            () => handler.HandleAsync($$"""{"jobId":"{{Guid.NewGuid()}}"}""", TestContext.Current.CancellationToken));

        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_interrupted_by_a_restart_resumes_where_each_instrument_stopped()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "kite_backfill_resume");
        await using var kite = new KiteHarness();
        var ct = TestContext.Current.CancellationToken;
        await KiteInstrumentSyncTests.Sync(database, kite).RunAsync("test", null, ct);
        var (future, _) = await InstrumentIdsAsync(database);
        var from = KiteRestClientTests.PastMonday().AddHours(9).AddMinutes(15);
        var jobId = await CreateJobAsync(database, from, from.AddHours(1), "1m", future, 999_999);
        await database.ExecuteAsync($"""
            UPDATE backfill_jobs SET status = 'running', started_at = now() WHERE id = '{jobId}';
            UPDATE backfill_job_items SET status = 'running', candles_written = 30, fetched_to = '{from.AddMinutes(30):O}'
            WHERE job_id = '{jobId}' AND instrument_id = {future};
            """);
        var (_, runner) = Backfill(database, kite);

        await runner.RunAsync(jobId, ct);

        Assert.Equal(30, await database.ScalarAsync<long>($"SELECT count(*) FROM broker_candles WHERE instrument_id = {future}"));
        Assert.Equal(from.AddMinutes(30).UtcDateTime, await database.ScalarAsync<DateTime>($"SELECT min(bucket) FROM broker_candles WHERE instrument_id = {future}"));
        Assert.Equal("succeeded|60", await database.ScalarAsync<string>(
            $"SELECT status || '|' || candles_written FROM backfill_job_items WHERE job_id = '{jobId}' AND instrument_id = {future}"));
        // An instrument without a Kite token fails alone and the job says why.
        Assert.Equal("failed", await database.ScalarAsync<string>($"SELECT status FROM backfill_job_items WHERE job_id = '{jobId}' AND instrument_id = 999999"));
        Assert.Equal("failed|1 of 2 instruments failed; first: instrument 999999 has no Kite token", await database.ScalarAsync<string>(
            $"SELECT status || '|' || error FROM backfill_jobs WHERE id = '{jobId}'"));
    }

    [Fact]
    public async Task A_closed_feed_gap_gets_a_job_over_its_whole_minutes_and_is_backfilled()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "kite_gap_backfill");
        await using var kite = new KiteHarness();
        var ct = TestContext.Current.CancellationToken;
        await KiteInstrumentSyncTests.Sync(database, kite).RunAsync("test", null, ct);
        var (future, stock) = await InstrumentIdsAsync(database);
        var open = KiteRestClientTests.PastMonday().AddHours(9).AddMinutes(15);
        await database.ExecuteAsync($"""
            INSERT INTO feed_gaps (broker, connection, instrument_ids, started_at, ended_at) VALUES
                ('kite', 'ticker-1', ARRAY[{future}, {stock}], '{open.AddMinutes(5).AddSeconds(30):O}', '{open.AddMinutes(10).AddSeconds(10):O}'),
                ('kite', 'ticker-2', ARRAY[{future}], '{open.AddMinutes(20):O}', NULL);
            """);
        var (store, runner) = Backfill(database, kite);
        var gaps = GapBackfill(database, kite, store, runner, MarketHours.Nse);

        var jobId = Assert.Single(await gaps.ScheduleGapsAsync(ct));
        Assert.Empty(await gaps.ScheduleGapsAsync(ct));
        await runner.RunAsync(jobId, ct);

        Assert.Equal(jobId, await database.ScalarAsync<Guid>("SELECT backfill_job_id FROM feed_gaps WHERE connection = 'ticker-1'"));
        Assert.Equal(open.AddMinutes(5).UtcDateTime, await database.ScalarAsync<DateTime>($"SELECT from_time FROM backfill_jobs WHERE id = '{jobId}'"));
        Assert.Equal(open.AddMinutes(11).UtcDateTime, await database.ScalarAsync<DateTime>($"SELECT to_time FROM backfill_jobs WHERE id = '{jobId}'"));
        Assert.Equal("succeeded", await database.ScalarAsync<string>($"SELECT status FROM backfill_jobs WHERE id = '{jobId}'"));
        Assert.Equal(12, await database.ScalarAsync<long>("SELECT count(*) FROM broker_candles"));
    }

    [Fact]
    public async Task Gap_backfill_stays_within_market_hours_and_skips_a_gap_with_no_trading_minute()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "kite_gap_market_hours");
        await using var kite = new KiteHarness();
        var ct = TestContext.Current.CancellationToken;
        await KiteInstrumentSyncTests.Sync(database, kite).RunAsync("test", null, ct);
        var (future, _) = await InstrumentIdsAsync(database);
        var monday = KiteRestClientTests.PastMonday();
        var friday = monday.AddDays(-3);
        await database.ExecuteAsync($"""
            INSERT INTO feed_gaps (broker, connection, instrument_ids, started_at, ended_at) VALUES
                ('kite', 'past-close', ARRAY[{future}], '{monday.AddHours(15).AddMinutes(25).AddSeconds(30):O}', '{monday.AddHours(18).AddMinutes(40):O}'),
                ('kite', 'evening', ARRAY[{future}], '{monday.AddHours(16):O}', '{monday.AddHours(20):O}'),
                ('kite', 'weekend', ARRAY[{future}], '{friday.AddHours(15).AddMinutes(20):O}', '{monday.AddHours(9).AddMinutes(17).AddSeconds(20):O}');
            """);
        var (store, runner) = Backfill(database, kite);
        var gaps = GapBackfill(database, kite, store, runner, MarketHours.Nse);

        var jobs = await gaps.ScheduleGapsAsync(ct);
        Assert.Empty(await gaps.ScheduleGapsAsync(ct));
        var pastClose = await database.ScalarAsync<Guid>("SELECT backfill_job_id FROM feed_gaps WHERE connection = 'past-close'");
        await runner.RunAsync(pastClose, ct);

        Assert.Equal(2, jobs.Count);
        Assert.Equal($"{monday.AddHours(15).AddMinutes(25).UtcDateTime:O}|{monday.AddHours(15).AddMinutes(30).UtcDateTime:O}",
            await JobRangeAsync(database, "past-close"));
        Assert.Equal($"{friday.AddHours(15).AddMinutes(20).UtcDateTime:O}|{monday.AddHours(9).AddMinutes(18).UtcDateTime:O}",
            await JobRangeAsync(database, "weekend"));
        Assert.Equal("|True", await database.ScalarAsync<string>(
            "SELECT coalesce(backfill_job_id::text, '') || '|' || CASE WHEN outside_market_hours THEN 'True' ELSE 'False' END FROM feed_gaps WHERE connection = 'evening'"));
        Assert.Equal("succeeded|5", await database.ScalarAsync<string>(
            $"SELECT status || '|' || candles_written FROM backfill_job_items WHERE job_id = '{pastClose}'"));
        Assert.Equal(monday.AddHours(15).AddMinutes(29).UtcDateTime, await database.ScalarAsync<DateTime>("SELECT max(bucket) FROM broker_candles"));
    }

    private static async Task<string?> JobRangeAsync(StorageTestDatabase database, string connection)
    {
        var range = await database.ScalarAsync<DateTime[]>(
            $"SELECT ARRAY[j.from_time, j.to_time] FROM feed_gaps g JOIN backfill_jobs j ON j.id = g.backfill_job_id WHERE g.connection = '{connection}'");
        return range is null ? null : $"{range[0]:O}|{range[1]:O}";
    }

    private static GapBackfillService GapBackfill(StorageTestDatabase database, KiteHarness kite, BackfillJobStore store, BackfillRunner runner, MarketHours hours) =>
        new(store, Worker(store, runner, kite), database.DataSource, new StorageState(), hours,
            Options.Create(new BackfillOptions { GapSettleDelay = TimeSpan.Zero }), TimeProvider.System, kite.LoggerFactory.CreateLogger<GapBackfillService>());

    private static (BackfillJobStore Store, BackfillRunner Runner) Backfill(StorageTestDatabase database, KiteHarness kite)
    {
        var store = new BackfillJobStore(database.DataSource);
        var source = new KiteHistorySource(kite.Client, store, kite.LoggerFactory.CreateLogger<KiteHistorySource>());
        return (store, new BackfillRunner(source, store, database.DataSource, kite.LoggerFactory.CreateLogger<BackfillRunner>()));
    }

    private static BackfillWorker Worker(BackfillJobStore store, BackfillRunner runner, KiteHarness kite)
    {
        var storage = new StorageState();
        storage.MarkReady(StorageProfile.Postgres);
        return new BackfillWorker(runner, store, storage, Options.Create(new BackfillOptions { ScanInterval = TimeSpan.FromHours(1) }),
            TimeProvider.System, kite.LoggerFactory.CreateLogger<BackfillWorker>());
    }

    private static async Task<(int Future, int Stock)> InstrumentIdsAsync(StorageTestDatabase database) =>
        (await database.ScalarAsync<int>("SELECT instrument_id FROM instruments WHERE underlying = 'NIFTY' AND instrument_type = 'FUT' AND NOT is_expired"),
         await database.ScalarAsync<int>("SELECT instrument_id FROM instruments WHERE exchange = 'NSE' AND tradingsymbol = 'INFY'"));

    private static async Task<Guid> CreateJobAsync(StorageTestDatabase database, DateTimeOffset from, DateTimeOffset to, string interval, params int[] instrumentIds)
    {
        var jobId = await database.ScalarAsync<Guid>($"INSERT INTO backfill_jobs (from_time, to_time, interval) VALUES ('{from:O}', '{to:O}', '{interval}') RETURNING id");
        await database.ExecuteAsync($"INSERT INTO backfill_job_items (job_id, instrument_id) SELECT '{jobId}', unnest(ARRAY[{string.Join(',', instrumentIds)}])");
        return jobId;
    }

    private static async Task<string?> WaitForJobAsync(StorageTestDatabase database, Guid jobId)
    {
        using var deadline = new CancellationTokenSource(JobWait);
        while (true)
        {
            var status = await database.ScalarAsync<string>($"SELECT status FROM backfill_jobs WHERE id = '{jobId}'");
            if (status is not ("queued" or "running") || deadline.IsCancellationRequested)
            {
                return status;
            }
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
