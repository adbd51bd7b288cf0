using System.Reflection;
using DbUp;
using DbUp.Engine;
using DbUp.Postgresql;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace TradingHelper.Core.Storage;

/// <summary>
/// Chooses the storage profile and applies the migrations in <c>sql/</c> for it, holding an advisory lock so
/// that several instances starting at once apply each script exactly once.
/// </summary>
public sealed partial class DatabaseMigrator(NpgsqlDataSource dataSource, IOptions<StorageOptions> options, ILogger<DatabaseMigrator> logger)
{
    // Any constant works as long as nothing else in the database locks it; this one spells "THMIGRAT".
    private const long MigrationLockKey = 0x5448_4D49_4752_4154;
    private const string ResourcePrefix = "sql/";

    /// <summary>Applies every pending migration and returns the profile the database now has.</summary>
    public async Task<StorageProfile> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var lockConnection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(lockConnection, $"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken);
        try
        {
            var profile = await ChooseProfileAsync(lockConnection, cancellationToken);
            Apply(profile);
            LogProfile(logger, profile);
            return profile;
        }
        finally
        {
            await ExecuteAsync(lockConnection, $"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
        }
    }

    /// <summary>The migration scripts of a profile, in the order they are applied.</summary>
    public static IReadOnlyList<SqlScript> ScriptsFor(StorageProfile profile)
    {
        var assembly = typeof(DatabaseMigrator).Assembly;
        var folders = new[] { $"{ResourcePrefix}common/", $"{ResourcePrefix}{ProfileFolder(profile)}/" };
        return assembly.GetManifestResourceNames()
            .Where(name => folders.Any(folder => name.StartsWith(folder, StringComparison.Ordinal)))
            .Select(name => new SqlScript(Path.GetFileName(name), ReadResource(assembly, name)))
            .OrderBy(script => script.Name, StringComparer.Ordinal)
            .ToList();
    }

    internal static string ProfileFolder(StorageProfile profile) => profile switch
    {
        StorageProfile.Timescale => "timescale",
        _ => "postgres",
    };

    private void Apply(StorageProfile profile)
    {
        var upgrader = DeployChanges.To
            .PostgresqlDatabase(new PostgresqlConnectionManager(dataSource))
            .WithScripts(ScriptsFor(profile))
            .JournalToPostgresqlTable("public", "schema_migrations")
            .WithTransactionPerScript()
            .LogTo(logger)
            .Build();

        var result = upgrader.PerformUpgrade();
        if (!result.Successful)
        {
            throw new InvalidOperationException(
                $"Migration {result.ErrorScript?.Name ?? "(unknown)"} failed for the {profile} profile: {result.Error.Message}", result.Error);
        }
    }

    private async Task<StorageProfile> ChooseProfileAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS storage_settings (key text PRIMARY KEY, value text NOT NULL)", cancellationToken);

        // A database keeps the profile it was created with: switching would apply the other folder's scripts on top.
        await using (var recorded = new NpgsqlCommand("SELECT value FROM storage_settings WHERE key = 'profile'", connection))
        {
            if (await recorded.ExecuteScalarAsync(cancellationToken) is string value)
            {
                var existing = Enum.Parse<StorageProfile>(value, ignoreCase: true);
                EnsureRequestedMatches(existing);
                return existing;
            }
        }

        var profile = options.Value.Profile switch
        {
            "timescale" => await TimescaleIsUsableAsync(connection, cancellationToken)
                ? StorageProfile.Timescale
                : throw new InvalidOperationException(
                    "Storage:Profile is 'timescale', but this server has no TimescaleDB extension with the Timescale licence " +
                    "(the Apache-only build lacks compression, policies and continuous aggregates). Use 'postgres' or 'auto'."),
            "postgres" => StorageProfile.Postgres,
            _ => await TimescaleIsUsableAsync(connection, cancellationToken) ? StorageProfile.Timescale : StorageProfile.Postgres,
        };

        await using var record = new NpgsqlCommand("INSERT INTO storage_settings (key, value) VALUES ('profile', $1)", connection);
        record.Parameters.Add(new NpgsqlParameter { Value = ProfileFolder(profile) });
        await record.ExecuteNonQueryAsync(cancellationToken);
        return profile;
    }

    private void EnsureRequestedMatches(StorageProfile existing)
    {
        var requested = options.Value.Profile;
        if (requested != "auto" && requested != ProfileFolder(existing))
        {
            throw new InvalidOperationException(
                $"Storage:Profile is '{requested}', but this database was created with the '{ProfileFolder(existing)}' profile. " +
                "A database cannot change profile; migrate the data into a new database instead.");
        }
    }

    private async Task<bool> TimescaleIsUsableAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using (var available = new NpgsqlCommand("SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'", connection))
        {
            if (await available.ExecuteScalarAsync(cancellationToken) is null)
            {
                return false;
            }
        }

        try
        {
            await ExecuteAsync(connection, "CREATE EXTENSION IF NOT EXISTS timescaledb", cancellationToken);
        }
        catch (PostgresException exception)
        {
            // Typically the library is installed but not in shared_preload_libraries.
            LogTimescaleUnusable(logger, exception.MessageText);
            return false;
        }

        await using var license = new NpgsqlCommand("SELECT current_setting('timescaledb.license', true)", connection);
        var value = await license.ExecuteScalarAsync(cancellationToken) as string;
        if (value != "timescale")
        {
            LogApacheOnly(logger, value ?? "(unset)");
            return false;
        }
        return true;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema is current; storage profile {Profile}")]
    private static partial void LogProfile(ILogger logger, StorageProfile profile);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TimescaleDB is installed but cannot be used ({Reason}); using the plain PostgreSQL profile")]
    private static partial void LogTimescaleUnusable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TimescaleDB licence is '{License}', not 'timescale': compression and continuous aggregates are missing, so the plain PostgreSQL profile is used")]
    private static partial void LogApacheOnly(ILogger logger, string license);
}
