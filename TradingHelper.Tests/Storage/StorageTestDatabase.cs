using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using TradingHelper.Core.Storage;
using TradingHelper.Tests.Infrastructure;

namespace TradingHelper.Tests.Storage;

/// <summary>A fresh database on the test PostgreSQL server, optionally migrated, with a data source to reach it.</summary>
public sealed class StorageTestDatabase : IAsyncDisposable
{
    private StorageTestDatabase(string connectionString)
    {
        ConnectionString = connectionString;
        DataSource = NpgsqlDataSource.Create(connectionString);
    }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public static async Task<StorageTestDatabase> CreateAsync(TestServers servers, string purpose, bool migrate = true)
    {
        var database = new StorageTestDatabase(await servers.Postgres.CreateDatabaseAsync(purpose));
        if (migrate)
        {
            await database.CreateMigrator().MigrateAsync(TestContext.Current.CancellationToken);
        }
        return database;
    }

    /// <summary>Reaches a database someone else created and migrated, such as a hosted service under test.</summary>
    public static StorageTestDatabase Connect(string connectionString) => new(connectionString);

    public DatabaseMigrator CreateMigrator(string profile = "auto") =>
        new(DataSource, Options.Create(new StorageOptions { Profile = profile }), NullLogger<DatabaseMigrator>.Instance);

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        var value = await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
        return value is DBNull or null ? default : (T)value;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
