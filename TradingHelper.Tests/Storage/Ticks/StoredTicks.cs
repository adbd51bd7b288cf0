using Npgsql;

namespace TradingHelper.Tests.Storage.Ticks;

/// <summary>What tick_data holds, summarised: rows, distinct ticks (by their sequence in volume) and per-instrument checksums.</summary>
internal sealed record StoredTicks(long Rows, long DistinctTicks, long MaxSequence, IReadOnlyDictionary<int, (long Count, decimal VolumeSum)> ByInstrument)
{
    public static async Task<StoredTicks> ReadAsync(NpgsqlDataSource dataSource, long upToSequence = long.MaxValue)
    {
        var ct = TestContext.Current.CancellationToken;
        long rows, distinct, max;
        await using (var totals = dataSource.CreateCommand("SELECT count(*), count(DISTINCT volume), coalesce(max(volume), 0) FROM tick_data WHERE volume <= $1"))
        {
            totals.Parameters.Add(new NpgsqlParameter<long> { TypedValue = upToSequence });
            await using var reader = await totals.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            (rows, distinct, max) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        }

        var byInstrument = new Dictionary<int, (long, decimal)>();
        await using (var perInstrument = dataSource.CreateCommand("SELECT instrument_id, count(*), sum(volume) FROM tick_data WHERE volume <= $1 GROUP BY instrument_id"))
        {
            perInstrument.Parameters.Add(new NpgsqlParameter<long> { TypedValue = upToSequence });
            await using var reader = await perInstrument.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                byInstrument[reader.GetInt32(0)] = (reader.GetInt64(1), reader.GetDecimal(2));
            }
        }
        return new StoredTicks(rows, distinct, max, byInstrument);
    }

    /// <summary>The checksums tick_data should hold after ticks 1..<paramref name="lastSequence"/> of <see cref="TestTicks"/>.</summary>
    public static Dictionary<int, (long Count, decimal VolumeSum)> Expected(long lastSequence, int instruments = 50)
    {
        var expected = new Dictionary<int, (long Count, decimal VolumeSum)>();
        for (long sequence = 1; sequence <= lastSequence; sequence++)
        {
            var instrument = TestTicks.InstrumentOf(sequence, instruments);
            var (count, sum) = expected.GetValueOrDefault(instrument);
            expected[instrument] = (count + 1, sum + sequence);
        }
        return expected;
    }
}
