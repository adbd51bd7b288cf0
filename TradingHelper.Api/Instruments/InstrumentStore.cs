using Npgsql;
using NpgsqlTypes;

namespace TradingHelper.Api.Instruments;

/// <summary>Reads the instrument master; every filter is a parameter of one fixed statement.</summary>
public sealed class InstrumentStore(NpgsqlDataSource dataSource)
{
    internal const string Columns =
        "i.instrument_id, i.kite_token, i.exchange, i.tradingsymbol, i.name, i.segment, i.instrument_type, i.underlying, i.expiry, i.strike, i.tick_size, i.lot_size, i.is_expired";

    // A null parameter switches its filter off. Kite lists indices as segment INDICES with type EQ; they count as INDEX.
    private const string Filter =
        """
        FROM instruments i
        WHERE ($1::text IS NULL OR upper(i.segment) = upper($1))
          AND ($2::text IS NULL OR upper(i.exchange) = upper($2))
          AND ($3::text IS NULL OR i.tradingsymbol ILIKE '%' || $3 || '%' ESCAPE '\')
          AND ($4::text IS NULL OR upper(i.underlying) = upper($4))
          AND ($5::text[] IS NULL
               OR (CASE WHEN i.segment = 'INDICES' OR i.instrument_type = 'INDEX' THEN 'INDEX' ELSE i.instrument_type END) = ANY($5))
          AND ($6::date IS NULL OR i.expiry = $6)
          AND ($7 OR NOT i.is_expired)
        """;

    /// <summary>Instruments matching the filter, symbols starting with <paramref name="symbol"/> first, then by expiry and strike.</summary>
    public async Task<(IReadOnlyList<InstrumentView> Items, long Total)> SearchAsync(
        string? segment, string? exchange, string? symbol, string? underlying, string[]? types, DateOnly? expiry, bool includeExpired,
        long offset, int limit, CancellationToken cancellationToken)
    {
        var pattern = symbol is null ? null : EscapeLike(symbol);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);

        await using var count = new NpgsqlCommand($"SELECT count(*) {Filter}", connection);
        AddFilter(count, segment, exchange, pattern, underlying, types, expiry, includeExpired);
        var total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;

        await using var page = new NpgsqlCommand(
            $"""
            SELECT {Columns}
            {Filter}
            ORDER BY ($3::text IS NOT NULL AND i.tradingsymbol NOT ILIKE $3 || '%' ESCAPE '\'),
                     i.expiry NULLS FIRST, i.strike NULLS FIRST, i.tradingsymbol, i.instrument_id
            LIMIT $8 OFFSET $9
            """, connection);
        AddFilter(page, segment, exchange, pattern, underlying, types, expiry, includeExpired);
        page.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        page.Parameters.Add(new NpgsqlParameter<long> { TypedValue = offset });
        var items = new List<InstrumentView>(limit);
        await using var reader = await page.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(Read(reader, 0));
        }
        return (items, total);
    }

    public async Task<InstrumentDetails?> GetAsync(int token, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT {Columns}, s.mode, s.active, s.updated_at
            FROM instruments i LEFT JOIN subscriptions s ON s.instrument_id = i.instrument_id
            WHERE i.instrument_id = $1
            """);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = token });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        var subscription = reader.IsDBNull(13)
            ? null
            : new InstrumentSubscription(reader.GetString(13), reader.GetBoolean(14), reader.GetFieldValue<DateTimeOffset>(15));
        return new InstrumentDetails(Read(reader, 0), subscription);
    }

    /// <summary>Records a requested instrument sync as queued, so the job its 202 names exists before the Ingestor sees the command.</summary>
    public async Task CreateSyncAsync(Guid id, string[]? exchanges, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("INSERT INTO instrument_syncs (id, exchanges) VALUES ($1, $2)");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)exchanges ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>An instrument sync the Api recorded, as far as the Ingestor got with it; null when unknown.</summary>
    public async Task<InstrumentSyncView?> GetSyncAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT id, status, exchanges, written, expired, error, created_at, started_at, finished_at FROM instrument_syncs WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        return new InstrumentSyncView(
            reader.GetGuid(0),
            reader.GetString(1),
            reader.IsDBNull(2) ? null : reader.GetFieldValue<string[]>(2),
            reader.IsDBNull(3) ? null : reader.GetInt32(3),
            reader.IsDBNull(4) ? null : reader.GetInt32(4),
            reader.IsDBNull(5) ? null : reader.GetString(5),
            reader.GetFieldValue<DateTimeOffset>(6),
            reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
            reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8));
    }

    /// <summary>Which of <paramref name="tokens"/> exist, and whether each is expired.</summary>
    public async Task<IReadOnlyDictionary<int, bool>> GetExpiryStateAsync(int[] tokens, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT instrument_id, is_expired FROM instruments WHERE instrument_id = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = tokens, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        var known = new Dictionary<int, bool>(tokens.Length);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            known[reader.GetInt32(0)] = reader.GetBoolean(1);
        }
        return known;
    }

    /// <summary>Reads the <see cref="Columns"/> starting at <paramref name="first"/>.</summary>
    internal static InstrumentView Read(NpgsqlDataReader reader, int first) => new(
        reader.GetInt32(first),
        reader.IsDBNull(first + 1) ? null : reader.GetInt64(first + 1),
        reader.GetString(first + 2),
        reader.GetString(first + 3),
        reader.IsDBNull(first + 4) ? null : reader.GetString(first + 4),
        reader.GetString(first + 5),
        reader.GetString(first + 6),
        reader.IsDBNull(first + 7) ? null : reader.GetString(first + 7),
        reader.IsDBNull(first + 8) ? null : reader.GetFieldValue<DateOnly>(first + 8),
        reader.IsDBNull(first + 9) ? null : reader.GetDecimal(first + 9),
        reader.GetDecimal(first + 10),
        reader.GetInt32(first + 11),
        reader.GetBoolean(first + 12));

    private static void AddFilter(
        NpgsqlCommand command, string? segment, string? exchange, string? pattern, string? underlying, string[]? types, DateOnly? expiry, bool includeExpired)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)segment ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)exchange ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)pattern ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)underlying ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)types ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = expiry.HasValue ? expiry.Value : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Date });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = includeExpired });
    }

    // The client's text is matched literally: LIKE's wildcards in it are escaped.
    private static string EscapeLike(string text) =>
        text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);
}
