using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TradingHelper.Core.Storage;
using TradingHelper.Tests.Candles;
using TradingHelper.Tests.Infrastructure;
using static TradingHelper.Tests.Candles.TickTape;

namespace TradingHelper.Tests.Storage;

public sealed class PartitionMaintenanceTests(TestServers servers)
{
    [Fact]
    public async Task Partitions_exist_for_today_and_the_days_ahead()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "partitions_ahead");
        var maintenance = CreateMaintenance(database, At("2026-01-05 23:50"), partitionsAhead: 3);

        var changes = await maintenance.MaintainAsync(TestContext.Current.CancellationToken);
        var again = await maintenance.MaintainAsync(TestContext.Current.CancellationToken);

        string[] expected = ["tick_data_p20260105", "tick_data_p20260106", "tick_data_p20260107", "tick_data_p20260108"];
        Assert.Equal(expected, await PartitionsAsync(database));
        Assert.Equal(expected.Select(name => ("created", name)), changes!);
        Assert.Empty(again!);
        // The day is the IST day: 23:59 IST on the 5th belongs to the 5th, 00:00 IST on the 6th to the 6th.
        await database.TickAsync(1, "2026-01-05 23:59:59", 100m, 1);
        await database.TickAsync(1, "2026-01-06 00:00:00", 100m, 1);
        Assert.Equal(1, await database.ScalarAsync<long>("SELECT count(*) FROM tick_data_p20260105"));
        Assert.Equal(1, await database.ScalarAsync<long>("SELECT count(*) FROM tick_data_p20260106"));
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM tick_data_default"));
    }

    [Fact]
    public async Task Retention_drops_only_the_days_wholly_older_than_the_retention()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "partitions_retention");
        for (var day = 1; day <= 12; day++)
        {
            await database.ExecuteAsync($"SELECT create_tick_partition('2026-01-{day:00} 00:00+05:30')");
            await database.TickAsync(1, $"2026-01-{day:00} 10:00:00", 100m + day, day);
        }

        // Seven days before 12:00 IST on the 12th is 12:00 on the 5th: days up to the 4th are wholly older.
        var changes = await CreateMaintenance(database, At("2026-01-12 12:00"), partitionsAhead: 1)
            .MaintainAsync(TestContext.Current.CancellationToken);

        Assert.Equal(
            ["tick_data_p20260101", "tick_data_p20260102", "tick_data_p20260103", "tick_data_p20260104"],
            changes!.Where(change => change.Action == "dropped").Select(change => change.Partition));
        Assert.Equal(Enumerable.Range(5, 9).Select(day => $"tick_data_p202601{day:00}"), await PartitionsAsync(database));
        Assert.Equal(8, await database.ScalarAsync<long>("SELECT count(*) FROM tick_data"));
        Assert.Equal(105m, await database.ScalarAsync<decimal>("SELECT min(last_price) FROM tick_data"));
    }

    [Fact]
    public async Task Ticks_stranded_in_the_default_partition_move_into_their_day()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "partitions_default");
        await database.TickAsync(1, "2026-01-03 10:00:00", 101m, 1);
        await database.TickAsync(1, "2026-01-04 10:00:00", 102m, 2);
        await database.TickAsync(1, "2025-12-20 10:00:00", 90m, 3);
        Assert.Equal(3, await database.ScalarAsync<long>("SELECT count(*) FROM tick_data_default"));

        await CreateMaintenance(database, At("2026-01-05 09:00"), partitionsAhead: 1).MaintainAsync(TestContext.Current.CancellationToken);

        Assert.Equal(
            ["tick_data_p20260103", "tick_data_p20260104", "tick_data_p20260105", "tick_data_p20260106"],
            await PartitionsAsync(database));
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM tick_data_default"));
        Assert.Equal(101m, await database.ScalarAsync<decimal>("SELECT last_price FROM tick_data_p20260103"));
        Assert.Equal(102m, await database.ScalarAsync<decimal>("SELECT last_price FROM tick_data_p20260104"));
        // The tick from before the retention window is gone rather than given a partition of its own.
        Assert.Equal(2, await database.ScalarAsync<long>("SELECT count(*) FROM tick_data"));
    }

    [Fact]
    public async Task Todays_partition_exists_once_maintenance_has_started_so_the_feed_never_writes_into_the_default()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await StorageTestDatabase.CreateAsync(servers, "partitions_start");
        var storage = new StorageState();
        storage.MarkReady(StorageProfile.Postgres);
        using var maintenance = new PartitionMaintenance(database.DataSource, storage,
            Options.Create(new StorageOptions { PartitionsAhead = 1, TickRetention = TimeSpan.FromDays(7) }),
            new FakeTimeProvider(At("2026-01-05 09:00")), NullLogger<PartitionMaintenance>.Instance);

        await maintenance.StartAsync(ct);
        // Nothing is awaited between the start and the look: the host starts the feed right after it.
        var partitions = await PartitionsAsync(database);
        await maintenance.StopAsync(ct);

        Assert.Equal(["tick_data_p20260105", "tick_data_p20260106"], partitions);
    }

    private static PartitionMaintenance CreateMaintenance(StorageTestDatabase database, DateTimeOffset now, int partitionsAhead) =>
        new(database.DataSource,
            new StorageState(),
            Options.Create(new StorageOptions { PartitionsAhead = partitionsAhead, TickRetention = TimeSpan.FromDays(7) }),
            new FakeTimeProvider(now),
            NullLogger<PartitionMaintenance>.Instance);

    private static async Task<List<string>> PartitionsAsync(StorageTestDatabase database)
    {
        var names = new List<string>();
        await using var command = database.DataSource.CreateCommand(
            """
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'tick_data'::regclass AND c.relname <> 'tick_data_default'
            ORDER BY c.relname
            """);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            names.Add(reader.GetString(0));
        }
        return names;
    }
}
