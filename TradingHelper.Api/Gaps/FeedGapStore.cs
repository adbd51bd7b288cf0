using Npgsql;

namespace TradingHelper.Api.Gaps;

/// <summary>Reads <c>feed_gaps</c> with the instruments they cover and their backfill jobs.</summary>
public sealed class FeedGapStore(NpgsqlDataSource dataSource)
{
    public const int MaxGaps = 1000;

    /// <summary>Gaps overlapping [from, to), open ones included, newest first; optionally only those covering one instrument.</summary>
    public async Task<IReadOnlyList<FeedGapView>> GetAsync(DateTimeOffset from, DateTimeOffset to, int? token, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $$"""
            SELECT g.id, g.broker, g.connection, g.started_at, g.ended_at, g.instrument_ids, j.id, j.status,
                   coalesce((SELECT array_agg(i.exchange ORDER BY i.instrument_id) FROM instruments i WHERE i.instrument_id = ANY(g.instrument_ids)), '{}'),
                   coalesce((SELECT array_agg(i.tradingsymbol ORDER BY i.instrument_id) FROM instruments i WHERE i.instrument_id = ANY(g.instrument_ids)), '{}'),
                   coalesce((SELECT array_agg(i.instrument_id ORDER BY i.instrument_id) FROM instruments i WHERE i.instrument_id = ANY(g.instrument_ids)), '{}'),
                   g.outside_market_hours
            FROM feed_gaps g LEFT JOIN backfill_jobs j ON j.id = g.backfill_job_id
            WHERE g.started_at < $2 AND (g.ended_at IS NULL OR g.ended_at >= $1)
              AND ($3::integer IS NULL OR $3 = ANY(g.instrument_ids))
            ORDER BY g.started_at DESC, g.id DESC
            LIMIT {{MaxGaps}}
            """);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = from.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = to.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter { Value = token.HasValue ? token.Value : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });

        var gaps = new List<FeedGapView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var startedAt = reader.GetFieldValue<DateTimeOffset>(3);
            DateTimeOffset? endedAt = reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4);
            var ids = reader.GetFieldValue<int[]>(5).Distinct().Order().ToArray();
            var known = reader.GetFieldValue<int[]>(10);
            var exchanges = reader.GetFieldValue<string[]>(8);
            var symbols = reader.GetFieldValue<string[]>(9);
            var names = new Dictionary<int, (string Exchange, string Symbol)>(known.Length);
            for (var i = 0; i < known.Length; i++)
            {
                names[known[i]] = (exchanges[i], symbols[i]);
            }
            // Ids no longer in the instrument master still show, without names.
            var instruments = ids.Select(id => names.TryGetValue(id, out var name)
                ? new GapInstrument(id, name.Exchange, name.Symbol)
                : new GapInstrument(id, null, null)).ToList();
            var backfill = reader.IsDBNull(6)
                ? null
                : new GapBackfill(reader.GetGuid(6), reader.GetString(7), $"/api/historical/jobs/{reader.GetGuid(6)}");
            gaps.Add(new FeedGapView(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), startedAt, endedAt, endedAt is null,
                Math.Max(0, ((endedAt ?? now) - startedAt).TotalSeconds), instruments.Count, instruments, backfill, reader.GetBoolean(11)));
        }
        return gaps;
    }
}
