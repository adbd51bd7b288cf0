using Npgsql;
using NpgsqlTypes;
using TradingHelper.Core.Market;

namespace TradingHelper.Api.Quotes;

/// <summary>Reads <see cref="DayQuote"/>s for many instruments in one statement, through the same candle rules as <c>candles()</c>.</summary>
public sealed class DayQuoteStore(NpgsqlDataSource dataSource)
{
    // Per instrument: two backward index probes find its latest minute, candles() over that IST day gives close,
    // volume (the session rise of the cumulative volume) and OI, and two more probes find the last minute before
    // the day; where ticks and broker history share that minute, the broker's wins, as in candles().
    internal const string Sql =
        """
        WITH latest AS (
            SELECT i.instrument_id,
                   greatest((SELECT max(c.bucket) FROM candles_1m c WHERE c.instrument_id = i.instrument_id),
                            (SELECT max(b.bucket) FROM broker_candles b WHERE b.instrument_id = i.instrument_id)) AS bucket
            FROM instruments i
            WHERE i.instrument_id = ANY($1)
        ),
        days AS (
            SELECT l.instrument_id, l.bucket, date_bin(INTERVAL '1 day', l.bucket, TIMESTAMPTZ '2000-01-01 00:00+05:30') AS day
            FROM latest l
        )
        SELECT d.instrument_id, d.day, d.bucket, today.close, today.volume, today.oi, previous.bucket, previous.close
        FROM days d
        LEFT JOIN LATERAL (
            SELECT c.close, c.volume, c.oi
            FROM candles(d.instrument_id, d.day, d.day + INTERVAL '1 day', '1d') c
            WHERE d.day IS NOT NULL
        ) today ON true
        LEFT JOIN LATERAL (
            SELECT m.bucket, m.close
            FROM ((SELECT c.bucket, c.close, 1 AS preference FROM candles_1m c
                   WHERE c.instrument_id = d.instrument_id AND c.bucket < d.day ORDER BY c.bucket DESC LIMIT 1)
                  UNION ALL
                  (SELECT b.bucket, b.close, 0 FROM broker_candles b
                   WHERE b.instrument_id = d.instrument_id AND b.bucket < d.day ORDER BY b.bucket DESC LIMIT 1)) m
            ORDER BY m.bucket DESC, m.preference
            LIMIT 1
        ) previous ON true
        ORDER BY d.instrument_id
        """;

    public async Task<IReadOnlyList<DayQuote>> GetAsync(int[] tokens, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter { Value = tokens, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        var quotes = new List<DayQuote>(tokens.Length);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var day = Nullable<DateTimeOffset>(reader, 1);
            var last = Nullable<decimal>(reader, 3);
            var previous = Nullable<decimal>(reader, 7);
            quotes.Add(new DayQuote(
                reader.GetInt32(0),
                day is { } start ? DateOnly.FromDateTime(start.ToOffset(IndianMarket.IstOffset).DateTime) : null,
                last,
                Nullable<DateTimeOffset>(reader, 2),
                previous,
                Nullable<DateTimeOffset>(reader, 6),
                last is { } price && previous is > 0m ? Math.Round(100m * (price - previous.Value) / previous.Value, 2) : null,
                Nullable<long>(reader, 4),
                Nullable<long>(reader, 5)));
        }
        return quotes;
    }

    private static T? Nullable<T>(NpgsqlDataReader reader, int ordinal) where T : struct =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<T>(ordinal);
}
