using Npgsql;
using NpgsqlTypes;
using TradingHelper.Core.Brokers.Fyers;
using TradingHelper.Ingestor.Backfill;

namespace TradingHelper.Ingestor.Brokers.Fyers;

/// <summary>Fyers' minute history for the backfill runner: instruments by Fyers symbol, 100-day windows, errors as failed items.</summary>
/// <remarks>An authentication error fails the item (the token is daily; a new one is configured, not awaited); the client paces the calls.</remarks>
public sealed class FyersHistorySource(FyersHistoryClient client, NpgsqlDataSource dataSource) : IMinuteHistorySource
{
    private const string Resolution = "1";

    public string Broker => FyersFeed.BrokerName;

    public string KeyName => "Fyers symbol";

    public async Task<IReadOnlyDictionary<int, string>> ResolveAsync(IReadOnlyList<int> instrumentIds, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT instrument_id, fyers_symbol FROM instruments WHERE instrument_id = ANY($1) AND fyers_symbol IS NOT NULL");
        command.Parameters.Add(new NpgsqlParameter { Value = instrumentIds.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        var symbols = new Dictionary<int, string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            symbols[reader.GetInt32(0)] = reader.GetString(1);
        }
        return symbols;
    }

    public IEnumerable<(DateTimeOffset From, DateTimeOffset To)> Windows(DateTimeOffset rangeStart, DateTimeOffset rangeEnd) =>
        FyersHistoryRange.Split(rangeStart, rangeEnd, Resolution).Select(chunk => (chunk.From, chunk.To));

    public async Task<IReadOnlyList<HistoryCandle>> GetMinuteCandlesAsync(string key, DateTimeOffset rangeStart, DateTimeOffset rangeEnd, CancellationToken cancellationToken)
    {
        try
        {
            var candles = await client.GetHistoryAsync(key, Resolution, rangeStart, rangeEnd, withOpenInterest: true, cancellationToken);
            // Windows share their seams and a job's end is exclusive, as with Kite: a candle belongs to the window it starts in.
            return [.. candles.Where(c => c.Start < rangeEnd)
                .Select(c => new HistoryCandle(c.Start, c.Open, c.High, c.Low, c.Close, c.Volume, c.OpenInterest))];
        }
        catch (FyersApiException exception)
        {
            throw new HistoryUnavailableException(exception.Message, exception);
        }
    }
}
