using Npgsql;

namespace TradingHelper.Core.Candles;

/// <summary>Reads candles through the <c>candles()</c> SQL function, the same path Grafana queries.</summary>
public sealed class CandleQuery(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Candles of one instrument from the candle containing <paramref name="from"/> up to those starting
    /// before <paramref name="to"/>, oldest first.
    /// </summary>
    public async Task<IReadOnlyList<Candle>> GetCandlesAsync(
        int instrumentId, DateTimeOffset from, DateTimeOffset to, CandleInterval interval, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT bucket, open, high, low, close, volume, oi, source FROM candles($1, $2, $3, $4)");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = instrumentId });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = from.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = to.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = interval.ToCode() });

        var candles = new List<Candle>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            candles.Add(new Candle(
                reader.GetFieldValue<DateTimeOffset>(0),
                reader.GetDecimal(1),
                reader.GetDecimal(2),
                reader.GetDecimal(3),
                reader.GetDecimal(4),
                reader.GetInt64(5),
                reader.IsDBNull(6) ? null : reader.GetInt64(6),
                ParseSource(reader.GetString(7))));
        }
        return candles;
    }

    private static CandleSource ParseSource(string source) => source switch
    {
        "ticks" => CandleSource.Ticks,
        "broker" => CandleSource.Broker,
        "mixed" => CandleSource.Mixed,
        _ => throw new InvalidOperationException($"candles() returned an unknown source '{source}'."),
    };
}
