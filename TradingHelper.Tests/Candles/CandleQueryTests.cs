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
    public async Task Cumulative_volume_starts_again_at_ist_midnight()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "candle_midnight");
        await database.TickAsync(Future, "2026-01-05 15:29:30", 110m, 900, 600);
        await database.TickAsync(Future, "2026-01-05 23:59:10", 110m, 950, 600);
        await database.TickAsync(Future, "2026-01-06 00:00:20", 111m, 7, 610);
        await database.TickAsync(Future, "2026-01-06 09:15:30", 112m, 12, 615);
        await database.RefreshAllCandlesAsync();

        var minutes = await QueryAsync(database, Future, "2026-01-05 23:59", "2026-01-06 09:16", CandleInterval.OneMinute);
        var days = await QueryAsync(database, Future, "2026-01-05 00:00", "2026-01-07 00:00", CandleInterval.OneDay);

        Assert.Equal([50L, 7L, 5L], minutes.Select(c => c.Volume));
        Assert.Equal(
            [(At("2026-01-05 00:00"), 110m, 950L, (long?)600), (At("2026-01-06 00:00"), 112m, 12L, (long?)615)],
            days.Select(c => (c.Bucket, c.Close, c.Volume, c.OpenInterest)));
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
