using Npgsql;
using NpgsqlTypes;

namespace TradingHelper.Api.OptionChain;

/// <summary>Reads an expiry's contracts with their last stored ticks, and its index's level, in one round trip.</summary>
public sealed class OptionChainStore(NpgsqlDataSource dataSource)
{
    internal const string ChainSql = "SELECT * FROM option_chain($1, $2, $3) ORDER BY strike, option_type";

    // The index's last tick of the chain's IST day before the instant, as option_chain() reads its contracts.
    internal const string SpotSql =
        """
        SELECT i.instrument_id, i.tradingsymbol, t.time, t.last_price
        FROM instruments i
        LEFT JOIN LATERAL (
            SELECT x.time, x.last_price FROM tick_data x
            WHERE x.instrument_id = i.instrument_id AND x.time >= $2 AND x.time < $1
            ORDER BY x.time DESC, x.received_at DESC
            LIMIT 1
        ) t ON true
        WHERE i.tradingsymbol = $3 AND i.segment = 'INDICES' AND NOT i.is_expired
        ORDER BY i.instrument_id
        LIMIT 1
        """;

    /// <summary>The contracts of the expiry (empty when it lists none) and the index, as they stood just before <paramref name="asOf"/>.</summary>
    public async Task<(IReadOnlyList<ChainContract> Contracts, ChainSpot? Spot)> GetAsync(
        string underlying, DateOnly expiry, DateTimeOffset asOf, DateTimeOffset dayOpens, string? indexSymbol, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        var chain = new NpgsqlBatchCommand(ChainSql);
        chain.Parameters.Add(new NpgsqlParameter { Value = underlying, NpgsqlDbType = NpgsqlDbType.Text });
        chain.Parameters.Add(new NpgsqlParameter { Value = expiry, NpgsqlDbType = NpgsqlDbType.Date });
        chain.Parameters.Add(new NpgsqlParameter { Value = asOf.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        batch.BatchCommands.Add(chain);
        var spot = new NpgsqlBatchCommand(SpotSql);
        spot.Parameters.Add(new NpgsqlParameter { Value = asOf.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        spot.Parameters.Add(new NpgsqlParameter { Value = dayOpens.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        spot.Parameters.Add(new NpgsqlParameter { Value = indexSymbol ?? string.Empty, NpgsqlDbType = NpgsqlDbType.Text });
        batch.BatchCommands.Add(spot);

        var contracts = new List<ChainContract>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ChainQuote? quote = reader.IsDBNull(5)
                ? null
                : new ChainQuote(
                    reader.GetFieldValue<DateTimeOffset>(5),
                    reader.GetDecimal(6),
                    Nullable<long>(reader, 7),
                    Nullable<long>(reader, 8),
                    Nullable<decimal>(reader, 9),
                    Nullable<long>(reader, 10),
                    Nullable<decimal>(reader, 11),
                    Nullable<long>(reader, 12));
            contracts.Add(new ChainContract(
                reader.GetInt32(0),
                reader.GetString(1),
                reader.GetDecimal(2),
                reader.GetString(3) == "CE",
                reader.GetInt32(4),
                quote,
                Nullable<decimal>(reader, 13),
                Nullable<long>(reader, 14)));
        }
        await reader.NextResultAsync(cancellationToken);
        ChainSpot? index = null;
        if (await reader.ReadAsync(cancellationToken))
        {
            index = new ChainSpot(reader.GetInt32(0), reader.GetString(1), Nullable<decimal>(reader, 3), Nullable<DateTimeOffset>(reader, 2));
        }
        return (contracts, index);
    }

    private static T? Nullable<T>(NpgsqlDataReader reader, int ordinal) where T : struct =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<T>(ordinal);
}
