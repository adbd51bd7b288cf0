using Npgsql;

namespace TradingHelper.Core.Storage;

/// <summary>Session-level PostgreSQL advisory locks that let one instance of a periodic job run at a time.</summary>
public static class AdvisoryLock
{
    public static async Task<bool> TryAcquireAsync(NpgsqlConnection connection, long key, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = key });
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    /// <summary>
    /// Releases the lock explicitly: a pooled connection only resets its session on its next use, so an idle
    /// one would otherwise keep every other instance locked out.
    /// </summary>
    public static async Task ReleaseAsync(NpgsqlConnection connection, long key)
    {
        if (connection.FullState != System.Data.ConnectionState.Open)
        {
            // A broken session has lost its locks with it.
            return;
        }
        await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = key });
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }
}
