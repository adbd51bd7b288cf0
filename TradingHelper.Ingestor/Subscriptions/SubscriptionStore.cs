using Npgsql;
using TradingHelper.Core.Brokers.Kite;

namespace TradingHelper.Ingestor.Subscriptions;

/// <summary>Reads the desired subscription set: active subscriptions of instruments that have a live Kite token.</summary>
public sealed class SubscriptionStore(NpgsqlDataSource dataSource)
{
    // Expired contracts keep their old token while Kite hands it to a new one, so only live rows may name a token.
    private const string Sql = """
        SELECT i.kite_token, i.instrument_id, s.mode
        FROM subscriptions s
        JOIN instruments i ON i.instrument_id = s.instrument_id
        WHERE s.active AND i.kite_token IS NOT NULL AND NOT i.is_expired
        ORDER BY i.instrument_id
        """;

    /// <summary>The set, ordered by instrument id so that sharding and the over-limit cut are repeatable.</summary>
    public async Task<IReadOnlyList<DesiredSubscription>> LoadAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new List<DesiredSubscription>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var token = reader.GetInt64(0);
            if (token is < 0 or > uint.MaxValue)
            {
                continue;
            }
            result.Add(new DesiredSubscription((uint)token, reader.GetInt32(1), ParseMode(reader.GetString(2))));
        }
        return result;
    }

    private static KiteMode ParseMode(string mode) => mode switch
    {
        "ltp" => KiteMode.Ltp,
        "quote" => KiteMode.Quote,
        _ => KiteMode.Full,
    };
}
