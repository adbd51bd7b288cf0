using TradingHelper.Core.Storage;
using TradingHelper.Tests.Infrastructure;

namespace TradingHelper.Tests.Storage;

public sealed class MigrationTests(TestServers servers)
{
    // The names every query relies on in both profiles; tests/timescaledb checks the same list there.
    private static readonly string[] SharedRelations =
    [
        "instruments", "tick_data", "ingest_batches", "broker_candles", "subscriptions",
        "backfill_jobs", "backfill_job_items", "feed_gaps", "candles_1m",
    ];

    [Fact]
    public async Task Migrations_build_the_schema_from_an_empty_database_and_rerun_as_no_ops()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "migrate_empty", migrate: false);
        var ct = TestContext.Current.CancellationToken;

        var first = await database.CreateMigrator().MigrateAsync(ct);
        var applied = await database.ScalarAsync<long>("SELECT count(*) FROM schema_migrations");
        var second = await database.CreateMigrator().MigrateAsync(ct);

        Assert.Equal(StorageProfile.Postgres, first);
        Assert.Equal(first, second);
        Assert.Equal(DatabaseMigrator.ScriptsFor(StorageProfile.Postgres).Count, applied);
        Assert.Equal(applied, await database.ScalarAsync<long>("SELECT count(*) FROM schema_migrations"));
        foreach (var table in SharedRelations)
        {
            Assert.NotNull(await database.ScalarAsync<string>($"SELECT to_regclass('{table}')::text"));
        }
        Assert.NotNull(await database.ScalarAsync<string>("SELECT to_regprocedure('candles(integer, timestamptz, timestamptz, text)')::text"));
    }

    [Fact]
    public async Task Instances_starting_together_apply_each_script_once()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "migrate_race", migrate: false);
        var ct = TestContext.Current.CancellationToken;

        var profiles = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => database.CreateMigrator().MigrateAsync(ct), ct)));

        Assert.All(profiles, profile => Assert.Equal(StorageProfile.Postgres, profile));
        Assert.Equal(
            DatabaseMigrator.ScriptsFor(StorageProfile.Postgres).Count,
            await database.ScalarAsync<long>("SELECT count(DISTINCT scriptname) FROM schema_migrations"));
        Assert.Equal(
            await database.ScalarAsync<long>("SELECT count(*) FROM schema_migrations"),
            await database.ScalarAsync<long>("SELECT count(DISTINCT scriptname) FROM schema_migrations"));
    }

    [Fact]
    public async Task Asking_for_timescale_on_plain_postgres_fails_with_a_clear_reason()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "migrate_timescale", migrate: false);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => database.CreateMigrator("timescale").MigrateAsync(TestContext.Current.CancellationToken));

        Assert.Contains("TimescaleDB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_keeps_the_profile_it_was_created_with()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "migrate_keep");

        Assert.Equal("postgres", await database.ScalarAsync<string>("SELECT value FROM storage_settings WHERE key = 'profile'"));
        await Assert.ThrowsAsync<InvalidOperationException>(
            () => database.CreateMigrator("timescale").MigrateAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Timescale_and_postgres_scripts_interleave_with_the_common_ones_by_number()
    {
        foreach (var profile in Enum.GetValues<StorageProfile>())
        {
            var names = DatabaseMigrator.ScriptsFor(profile).Select(script => script.Name).ToList();
            Assert.Equal(names.Order(StringComparer.Ordinal), names);
            Assert.Equal(names.Count, names.Select(name => name[..4]).Distinct().Count());
        }
    }
}
