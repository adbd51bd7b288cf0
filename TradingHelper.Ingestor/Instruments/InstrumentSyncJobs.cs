using Npgsql;

namespace TradingHelper.Ingestor.Instruments;

/// <summary>
/// Records how an instrument sync the Api asked for went (<c>instrument_syncs</c>), so the job its 202 names can be
/// watched. A job the Api did not record (an older Api) simply updates no row.
/// </summary>
public sealed class InstrumentSyncJobs(NpgsqlDataSource dataSource)
{
    public async Task StartAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("UPDATE instrument_syncs SET status = 'running', started_at = now(), error = NULL WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task SucceedAsync(Guid id, InstrumentSyncResult result, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE instrument_syncs SET status = 'succeeded', written = $2, expired = $3, error = NULL, finished_at = now() WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = result.Written });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = result.Expired });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Marks the sync failed; the command is retried, and a later delivery that succeeds overwrites this.</summary>
    public async Task FailAsync(Guid id, string error, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("UPDATE instrument_syncs SET status = 'failed', error = $2, finished_at = now() WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = error });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
