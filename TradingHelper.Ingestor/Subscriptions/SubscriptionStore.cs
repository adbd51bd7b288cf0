using Npgsql;
using TradingHelper.Core.Brokers.Kite;
using TradingHelper.Ingestor.Leases;

namespace TradingHelper.Ingestor.Subscriptions;

/// <summary>
/// Reads the desired subscription set: active subscriptions of live instruments whose lease this Ingestor holds, keyed by
/// the broker's identifiers.
/// </summary>
public sealed class SubscriptionStore(NpgsqlDataSource dataSource, InstrumentLeases leases)
{
    // Expired contracts keep their old token while Kite hands it to a new one, so only live rows may name a token.
    private const string Sql = """
        SELECT i.kite_token, i.instrument_id, s.mode
        FROM subscriptions s
        JOIN instruments i ON i.instrument_id = s.instrument_id
        WHERE s.active AND i.kite_token IS NOT NULL AND NOT i.is_expired
        ORDER BY i.instrument_id
        """;

    // Every active, live subscription: the Fyers feed reports the rows that lack a Fyers symbol instead of hiding them.
    private const string FyersSql = """
        SELECT i.fyers_symbol, i.fyers_token, i.instrument_id, s.mode
        FROM subscriptions s
        JOIN instruments i ON i.instrument_id = s.instrument_id
        WHERE s.active AND NOT i.is_expired
        ORDER BY i.instrument_id
        """;

    /// <summary>The Kite set, ordered by instrument id so that sharding and the over-limit cut are repeatable.</summary>
    public async Task<IReadOnlyList<DesiredSubscription>> LoadAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new List<DesiredSubscription>();
        var owned = leases.Owned;
        while (await reader.ReadAsync(cancellationToken))
        {
            var token = reader.GetInt64(0);
            if (token is < 0 or > uint.MaxValue || !owned.Contains(reader.GetInt32(1)))
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

    /// <summary>The Fyers set with each subscription's mode, ordered by instrument id so the over-limit cut is repeatable.</summary>
    public async Task<IReadOnlyList<FyersDesiredSubscription>> LoadFyersAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(FyersSql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new List<FyersDesiredSubscription>();
        var owned = leases.Owned;
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!owned.Contains(reader.GetInt32(2)))
            {
                continue;
            }
            result.Add(new FyersDesiredSubscription(
                reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt32(2),
                reader.GetString(3) switch
                {
                    "ltp" => SubscriptionMode.Ltp,
                    "quote" => SubscriptionMode.Quote,
                    _ => SubscriptionMode.Full,
                }));
        }
        return result;
    }
}
