using TradingHelper.Core.Candles;
using TradingHelper.Tests.Infrastructure;
using TradingHelper.Tests.Storage;
using static TradingHelper.Tests.Candles.TickTape;

namespace TradingHelper.Tests.Candles;

public sealed class CandleQueryTests(TestServers servers)
{
    private const int Future = 1;
    private const int Stock = 2;

    [Fact]
    public async Task A_minute_candle_opens_at_the_first_price_closes_at_the_last_and_keeps_the_last_oi()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "candle_ohlc");
        await database.TickAsync(Future, "2026-01-05 09:15:05", 100.00m, 10, 500);
        await database.TickAsync(Future, "2026-01-05 09:15:40", 103.50m, 25, 510);
        await database.TickAsync(Future, "2026-01-05 09:15:20", 98.75m, 18, 505);
        await database.TickAsync(Future, "2026-01-05 09:15:59", 99.25m, 30, 507);
        await database.RefreshAllCandlesAsync();

        var candle = Assert.Single(await QueryAsync(database, Future, "2026-01-05 09:15", "2026-01-05 09:16", CandleInterval.OneMinute));

        Assert.Equal(new Candle(At("2026-01-05 09:15"), 100.00m, 103.50m, 98.75m, 99.25m, 30, 507, CandleSource.Ticks), candle);
    }

    [Fact]
    public async Task Volume_of_a_candle_is_the_rise_of_cumulative_volume()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "candle_volume");
        await database.TickAsync(Future, "2026-01-05 09:15:05", 100m, 10);
        await database.TickAsync(Future, "2026-01-05 09:15:50", 101m, 30);
        // 09:16 and 09:17 pass without a tick.
        await database.TickAsync(Future, "2026-01-05 09:18:10", 102m, 42);
        await database.TickAsync(Future, "2026-01-05 09:18:40", 103m, 50);
        await database.TickAsync(Future, "2026-01-05 09:19:00", 104m, 75);
        await database.RefreshAllCandlesAsync();

        var candles = await QueryAsync(database, Future, "2026-01-05 09:15", "2026-01-05 09:20", CandleInterval.OneMinute);

        Assert.Equal(
            [(At("2026-01-05 09:15"), 30L), (At("2026-01-05 09:18"), 20L), (At("2026-01-05 09:19"), 25L)],
            candles.Select(c => (c.Bucket, c.Volume)));
        // A range that starts mid-day still measures from the day's earlier minutes.
        Assert.Equal(25, Assert.Single(await QueryAsync(database, Future, "2026-01-05 09:19", "2026-01-05 09:20", CandleInterval.OneMinute)).Volume);
    }

    [Fact]
    public async Task A_pre_open_snapshot_carrying_the_previous_session_volume_adds_none()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "candle_pre_open");
        await database.TickAsync(Future, "2026-01-05 09:05:00", 100m, 1_000_000);
        await database.TickAsync(Future, "2026-01-05 09:15:10", 101m, 100);
        await database.TickAsync(Future, "2026-01-05 09:16:10", 102m, 250);
        await database.TickAsync(Future, "2026-01-05 09:17:10", 103m, 400);
        await database.RefreshAllCandlesAsync();

        var minutes = await QueryAsync(database, Future, "2026-01-05 09:00", "2026-01-05 09:18", CandleInterval.OneMinute);
        var day = Assert.Single(await QueryAsync(database, Future, "2026-01-05 00:00", "2026-01-06 00:00", CandleInterval.OneDay));

        Assert.Equal(
            [(At("2026-01-05 09:05"), 0L), (At("2026-01-05 09:15"), 100L), (At("2026-01-05 09:16"), 150L), (At("2026-01-05 09:17"), 150L)],
            minutes.Select(c => (c.Bucket, c.Volume)));
        Assert.Equal((100m, 103m, 400L), (day.Open, day.Close, day.Volume));
    }

    [Fact]
    public async Task Each_ist_day_counts_its_session_volume_from_zero()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "candle_two_days");
        await database.TickAsync(Future, "2026-01-05 09:15:10", 110m, 100, 600);
        await database.TickAsync(Future, "2026-01-05 15:29:30", 111m, 900, 605);
        await database.TickAsync(Future, "2026-01-05 23:59:10", 111m, 950, 605);
        await database.TickAsync(Future, "2026-01-06 00:00:20", 111m, 950, 605);
        // Monday's snapshot before the open still holds Friday's total.
        await database.TickAsync(Future, "2026-01-06 09:07:00", 112m, 950, 610);
        await database.TickAsync(Future, "2026-01-06 09:15:30", 113m, 60, 615);
        await database.TickAsync(Future, "2026-01-06 09:16:30", 114m, 130, 620);
        await database.RefreshAllCandlesAsync();

        var minutes = await QueryAsync(database, Future, "2026-01-05 23:59", "2026-01-06 09:17", CandleInterval.OneMinute);
        var days = await QueryAsync(database, Future, "2026-01-05 00:00", "2026-01-07 00:00", CandleInterval.OneDay);

        Assert.Equal([0L, 0L, 0L, 60L, 70L], minutes.Select(c => c.Volume));
        Assert.Equal(
            [(At("2026-01-05 00:00"), 111m, 900L, (long?)605), (At("2026-01-06 00:00"), 114m, 130L, (long?)620)],
            days.Select(c => (c.Bucket, c.Close, c.Volume, c.OpenInterest)));
    }

    [Fact]
    public async Task Ticks_after_the_close_add_no_volume()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "candle_after_close");
        await database.TickAsync(Stock, "2026-01-05 15:29:30", 200m, 900);
        await database.TickAsync(Stock, "2026-01-05 15:30:00", 201m, 920);
        await database.TickAsync(Stock, "2026-01-05 15:45:10", 202m, 990);
        await database.RefreshAllCandlesAsync();

        var minutes = await QueryAsync(database, Stock, "2026-01-05 15:29", "2026-01-05 16:00", CandleInterval.OneMinute);
        var day = Assert.Single(await QueryAsync(database, Stock, "2026-01-05 00:00", "2026-01-06 00:00", CandleInterval.OneDay));

        Assert.Equal([900L, 0L, 0L], minutes.Select(c => c.Volume));
        Assert.Equal((202m, 900L), (day.Close, day.Volume));
    }

    [Fact]
    public async Task A_cumulative_volume_that_falls_counts_its_rise_from_the_lower_value()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "candle_fall");
        await database.TickAsync(Future, "2026-01-05 09:15:10", 100m, 100);
        await database.TickAsync(Future, "2026-01-05 09:16:10", 101m, 400);
        await database.TickAsync(Future, "2026-01-05 09:17:10", 102m, 50);
        await database.TickAsync(Future, "2026-01-05 09:18:10", 103m, 120);
        await database.TickAsync(Future, "2026-01-05 09:19:10", 104m, 300);
        await database.RefreshAllCandlesAsync();

        var minutes = await QueryAsync(database, Future, "2026-01-05 09:15", "2026-01-05 09:20", CandleInterval.OneMinute);
        var five = Assert.Single(await QueryAsync(database, Future, "2026-01-05 09:15", "2026-01-05 09:20", CandleInterval.FiveMinutes));

        Assert.Equal([100L, 300L, 0L, 70L, 180L], minutes.Select(c => c.Volume));
        Assert.Equal(650, five.Volume);
    }

    [Fact]
    public async Task Five_and_fifteen_minute_candles_aggregate_their_minutes()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "candle_5m");
        await database.TickAsync(Future, "2026-01-05 09:15:05", 100m, 10, 500);
        await database.TickAsync(Future, "2026-01-05 09:17:30", 96m, 40, 520);
        await database.TickAsync(Future, "2026-01-05 09:19:59", 99m, 45, 510);
        await database.TickAsync(Future, "2026-01-05 09:20:00", 101m, 60, 505);
        await database.TickAsync(Future, "2026-01-05 09:29:00", 104m, 70, 530);
        await database.RefreshAllCandlesAsync();

        var fives = await QueryAsync(database, Future, "2026-01-05 09:15", "2026-01-05 09:30", CandleInterval.FiveMinutes);
        var fifteen = Assert.Single(await QueryAsync(database, Future, "2026-01-05 09:15", "2026-01-05 09:30", CandleInterval.FifteenMinutes));

        Assert.Equal(
            [
                new Candle(At("2026-01-05 09:15"), 100m, 100m, 96m, 99m, 45, 510, CandleSource.Ticks),
                new Candle(At("2026-01-05 09:20"), 101m, 101m, 101m, 101m, 15, 505, CandleSource.Ticks),
                new Candle(At("2026-01-05 09:25"), 104m, 104m, 104m, 104m, 10, 530, CandleSource.Ticks),
            ],
            fives);
        Assert.Equal(new Candle(At("2026-01-05 09:15"), 100m, 104m, 96m, 104m, 70, 530, CandleSource.Ticks), fifteen);
    }

    [Fact]
    public async Task Hourly_candles_start_at_0915_ist()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "candle_1h");
        await database.TickAsync(Stock, "2026-01-05 09:15:00", 200m, 5);
        await database.TickAsync(Stock, "2026-01-05 10:14:59", 205m, 15);
        await database.TickAsync(Stock, "2026-01-05 10:15:00", 204m, 20);
        await database.TickAsync(Stock, "2026-01-05 15:29:59", 210m, 40);
        await database.RefreshAllCandlesAsync();

        var hours = await QueryAsync(database, Stock, "2026-01-05 09:15", "2026-01-05 15:30", CandleInterval.OneHour);

        Assert.Equal(
            [
                new Candle(At("2026-01-05 09:15"), 200m, 205m, 200m, 205m, 15, null, CandleSource.Ticks),
                new Candle(At("2026-01-05 10:15"), 204m, 204m, 204m, 204m, 5, null, CandleSource.Ticks),
                new Candle(At("2026-01-05 15:15"), 210m, 210m, 210m, 210m, 20, null, CandleSource.Ticks),
            ],
            hours);
    }

    [Fact]
    public async Task Broker_candles_are_preferred_and_each_candle_says_its_source()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "candle_merge");
        await database.TickAsync(Future, "2026-01-05 09:15:10", 100m, 10, 500);
        await database.TickAsync(Future, "2026-01-05 09:16:10", 101m, 25, 505);
        await database.TickAsync(Future, "2026-01-05 09:20:10", 108m, 60, 540);
        await database.BrokerCandleAsync(Future, "2026-01-05 09:16", 100.5m, 102m, 100m, 101.5m, 16, 506);
        await database.BrokerCandleAsync(Future, "2026-01-05 09:21", 108m, 109m, 107m, 108.5m, 9, 545);
        await database.RefreshAllCandlesAsync();

        var minutes = await QueryAsync(database, Future, "2026-01-05 09:15", "2026-01-05 09:22", CandleInterval.OneMinute);
        var fives = await QueryAsync(database, Future, "2026-01-05 09:15", "2026-01-05 09:25", CandleInterval.FiveMinutes);

        Assert.Equal(
            [
                new Candle(At("2026-01-05 09:15"), 100m, 100m, 100m, 100m, 10, 500, CandleSource.Ticks),
                new Candle(At("2026-01-05 09:16"), 100.5m, 102m, 100m, 101.5m, 16, 506, CandleSource.Broker),
                new Candle(At("2026-01-05 09:20"), 108m, 108m, 108m, 108m, 35, 540, CandleSource.Ticks),
                new Candle(At("2026-01-05 09:21"), 108m, 109m, 107m, 108.5m, 9, 545, CandleSource.Broker),
            ],
            minutes);
        Assert.Equal([CandleSource.Mixed, CandleSource.Mixed], fives.Select(c => c.Source));
        Assert.Equal([26L, 44L], fives.Select(c => c.Volume));
    }

    [Fact]
    public async Task Ticks_after_a_backfilled_gap_do_not_count_the_gap_volume_twice()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "candle_gap");
        await database.TickAsync(Future, "2026-01-05 09:15:30", 100m, 100);
        // The feed was down for 09:16-09:18; the broker's history filled those minutes.
        await database.BrokerCandleAsync(Future, "2026-01-05 09:16", 100m, 101m, 99m, 100m, 40);
        await database.BrokerCandleAsync(Future, "2026-01-05 09:17", 100m, 102m, 100m, 101m, 30);
        await database.BrokerCandleAsync(Future, "2026-01-05 09:18", 101m, 101m, 100m, 100m, 20);
        await database.TickAsync(Future, "2026-01-05 09:19:30", 102m, 205);
        await database.RefreshAllCandlesAsync();

        var minutes = await QueryAsync(database, Future, "2026-01-05 09:15", "2026-01-05 09:20", CandleInterval.OneMinute);
        var five = Assert.Single(await QueryAsync(database, Future, "2026-01-05 09:15", "2026-01-05 09:20", CandleInterval.FiveMinutes));

        Assert.Equal([100L, 40L, 30L, 20L, 15L], minutes.Select(c => c.Volume));
        Assert.Equal(205, five.Volume);
    }

    [Fact]
    public async Task An_unknown_interval_is_an_error_not_an_empty_answer()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "candle_interval");

        var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(
            () => database.ScalarAsync<long>("SELECT count(*) FROM candles(1, now() - interval '1 day', now(), '2h')"));

        Assert.Equal("22023", error.SqlState);
    }

    private static Task<IReadOnlyList<Candle>> QueryAsync(StorageTestDatabase database, int instrumentId, string fromIst, string toIst, CandleInterval interval) =>
        new CandleQuery(database.DataSource).GetCandlesAsync(instrumentId, At(fromIst), At(toIst), interval, TestContext.Current.CancellationToken);
}
