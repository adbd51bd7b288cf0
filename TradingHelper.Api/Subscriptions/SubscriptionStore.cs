using Npgsql;
using NpgsqlTypes;
using TradingHelper.Api.Instruments;

namespace TradingHelper.Api.Subscriptions;

/// <summary>Records what the trader wants watched in <c>subscriptions</c>; the Ingestor subscribes to the active rows.</summary>
public sealed class SubscriptionStore(NpgsqlDataSource dataSource)
{
    /// <summary>Activates the instruments in <paramref name="mode"/> and returns how many rows changed with their resulting state.</summary>
    public Task<(int Changed, int ActiveTotal, IReadOnlyList<SubscriptionState> States)> SubscribeAsync(int[] tokens, string mode, CancellationToken cancellationToken) =>
        ChangeAsync(
            """
            INSERT INTO subscriptions (instrument_id, mode, active, updated_at)
            SELECT token, $2, true, now() FROM unnest($1::integer[]) AS token
            ON CONFLICT (instrument_id) DO UPDATE SET mode = excluded.mode, active = true, updated_at = excluded.updated_at
            WHERE subscriptions.mode <> excluded.mode OR NOT subscriptions.active
            """,
            tokens, mode, cancellationToken);

    /// <summary>Deactivates the instruments (the row stays, remembering its mode) and returns how many were active before.</summary>
    public Task<(int Changed, int ActiveTotal, IReadOnlyList<SubscriptionState> States)> UnsubscribeAsync(int[] tokens, CancellationToken cancellationToken) =>
        ChangeAsync(
            "UPDATE subscriptions SET active = false, updated_at = now() WHERE instrument_id = ANY($1) AND active",
            tokens, null, cancellationToken);

    public async Task<IReadOnlyList<SubscriptionView>> GetActiveAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT {InstrumentStore.Columns}, s.mode, s.updated_at
            FROM subscriptions s JOIN instruments i ON i.instrument_id = s.instrument_id
            WHERE s.active
            ORDER BY i.underlying NULLS FIRST, i.expiry NULLS FIRST, i.strike NULLS FIRST, i.tradingsymbol
            """);
        var subscriptions = new List<SubscriptionView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var instrument = InstrumentStore.Read(reader, 0);
            subscriptions.Add(new SubscriptionView(instrument.Token, reader.GetString(13), reader.GetFieldValue<DateTimeOffset>(14), instrument));
        }
        return subscriptions;
    }

    // The change and the state read back share one transaction, so the answer is exactly what the change left.
    private async Task<(int Changed, int ActiveTotal, IReadOnlyList<SubscriptionState> States)> ChangeAsync(
        string sql, int[] tokens, string? mode, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await using var change = new NpgsqlCommand(sql, connection, transaction);
        change.Parameters.Add(Tokens(tokens));
        if (mode is not null)
        {
            change.Parameters.Add(new NpgsqlParameter<string> { TypedValue = mode });
        }
        var changed = await change.ExecuteNonQueryAsync(cancellationToken);

        await using var read = new NpgsqlCommand(
            """
            SELECT i.instrument_id, i.exchange, i.tradingsymbol, s.mode, coalesce(s.active, false)
            FROM instruments i LEFT JOIN subscriptions s ON s.instrument_id = i.instrument_id
            WHERE i.instrument_id = ANY($1)
            ORDER BY i.instrument_id
            """, connection, transaction);
        read.Parameters.Add(Tokens(tokens));
        var states = new List<SubscriptionState>(tokens.Length);
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                states.Add(new SubscriptionState(
                    reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetBoolean(4)));
            }
        }

        await using var total = new NpgsqlCommand("SELECT count(*) FROM subscriptions WHERE active", connection, transaction);
        var activeTotal = (int)(long)(await total.ExecuteScalarAsync(cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        return (changed, activeTotal, states);
    }

    private static NpgsqlParameter Tokens(int[] tokens) => new() { Value = tokens, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer };
}
