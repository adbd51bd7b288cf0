using Npgsql;
using NpgsqlTypes;
using TradingHelper.Api.Instruments;

namespace TradingHelper.Api.Subscriptions;

/// <summary>Records what the trader wants watched in <c>subscriptions</c>; the Ingestor subscribes to the active rows.</summary>
public sealed class SubscriptionStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Activates the instruments in <paramref name="mode"/>; the outcome names those that were not active before
    /// (a mode change of an active instrument changes it without activating it).
    /// </summary>
    public Task<SubscriptionOutcome> SubscribeAsync(int[] tokens, string mode, CancellationToken cancellationToken) =>
        ChangeAsync(
            """
            WITH active_before AS (
                SELECT instrument_id FROM subscriptions WHERE instrument_id = ANY($1) AND active
            ), changed AS (
                INSERT INTO subscriptions (instrument_id, mode, active, updated_at)
                SELECT token, $2, true, now() FROM unnest($1::integer[]) AS token
                ON CONFLICT (instrument_id) DO UPDATE SET mode = excluded.mode, active = true, updated_at = excluded.updated_at
                WHERE subscriptions.mode <> excluded.mode OR NOT subscriptions.active
                RETURNING instrument_id
            )
            SELECT changed.instrument_id, active_before.instrument_id IS NULL
            FROM changed LEFT JOIN active_before USING (instrument_id)
            ORDER BY changed.instrument_id
            """,
            tokens, mode, cancellationToken);

    /// <summary>Deactivates the instruments (the row stays, remembering its mode); changed are those that were active before.</summary>
    public Task<SubscriptionOutcome> UnsubscribeAsync(int[] tokens, CancellationToken cancellationToken) =>
        ChangeAsync(
            "UPDATE subscriptions SET active = false, updated_at = now() WHERE instrument_id = ANY($1) AND active RETURNING instrument_id, false",
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
    // The change statement returns (instrument_id, newly active) for each row it changed.
    private async Task<SubscriptionOutcome> ChangeAsync(string sql, int[] tokens, string? mode, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await using var change = new NpgsqlCommand(sql, connection, transaction);
        change.Parameters.Add(Tokens(tokens));
        if (mode is not null)
        {
            change.Parameters.Add(new NpgsqlParameter<string> { TypedValue = mode });
        }
        var changed = 0;
        var activated = new List<int>();
        await using (var reader = await change.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                changed++;
                if (reader.GetBoolean(1))
                {
                    activated.Add(reader.GetInt32(0));
                }
            }
        }

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
        return new SubscriptionOutcome(changed, [.. activated], activeTotal, states);
    }

    private static NpgsqlParameter Tokens(int[] tokens) => new() { Value = tokens, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer };
}
