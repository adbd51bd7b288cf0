using Npgsql;
using StackExchange.Redis;
using TradingHelper.Tests.Infrastructure;

namespace TradingHelper.Tests.Foundation;

public sealed class TestServersTests(TestServers servers)
{
    [Fact]
    public async Task Postgres_answers_real_sql()
    {
        var connectionString = await servers.Postgres.CreateDatabaseAsync(nameof(Postgres_answers_real_sql));
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT version()", connection);

        var version = (string?)await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);

        Assert.StartsWith("PostgreSQL ", version);
    }

    [Fact]
    public async Task Redis_round_trips_a_value()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(servers.Redis.CreateDatabase());
        var database = redis.GetDatabase();
        var key = $"smoke:{Guid.NewGuid():N}";

        await database.StringSetAsync(key, "NIFTY 24500.05");

        Assert.Equal("NIFTY 24500.05", (string?)await database.StringGetAsync(key));
    }

    [Fact]
    public async Task Each_test_class_gets_an_isolated_database()
    {
        var first = await servers.Postgres.CreateDatabaseAsync("isolation");
        var second = await servers.Postgres.CreateDatabaseAsync("isolation");
        await using (var connection = new NpgsqlConnection(first))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var create = new NpgsqlCommand("CREATE TABLE only_in_first (id int)", connection);
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await using var other = new NpgsqlConnection(second);
        await other.OpenAsync(TestContext.Current.CancellationToken);
        await using var probe = new NpgsqlCommand("SELECT to_regclass('only_in_first') IS NULL", other);

        Assert.True((bool)(await probe.ExecuteScalarAsync(TestContext.Current.CancellationToken))!);
    }
}
