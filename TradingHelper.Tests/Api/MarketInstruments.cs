using Npgsql;
using TradingHelper.Tests.Storage;

namespace TradingHelper.Tests.Api;

/// <summary>A small instrument master: the NIFTY index, a future, options of two expiries, an expired option and some others.</summary>
public sealed class MarketInstruments
{
    public static readonly DateOnly NearExpiry = new(2026, 11, 27);
    public static readonly DateOnly FarExpiry = new(2026, 12, 24);
    public static readonly DateOnly PastExpiry = new(2026, 10, 28);

    private readonly Dictionary<string, int> _ids;

    private MarketInstruments(Dictionary<string, int> ids) => _ids = ids;

    /// <summary>The instrument id (the Api's token) of a seeded trading symbol.</summary>
    public int this[string tradingsymbol] => _ids[tradingsymbol];

    /// <summary>NIFTY options that have not expired.</summary>
    public static readonly string[] LiveNiftyOptions =
        ["NIFTY26NOV24000CE", "NIFTY26NOV24000PE", "NIFTY26NOV24100CE", "NIFTY26DEC24000CE"];

    public static async Task<MarketInstruments> SeedAsync(StorageTestDatabase database)
    {
        (string Exchange, string Symbol, string Segment, string Type, string? Underlying, DateOnly? Expiry, decimal? Strike, long KiteToken, bool Expired)[] rows =
        [
            ("NSE", "NIFTY 50", "INDICES", "EQ", null, null, null, 256265, false),
            ("NFO", "NIFTY26NOVFUT", "NFO-FUT", "FUT", "NIFTY", NearExpiry, null, 9001, false),
            ("NFO", "NIFTY26NOV24000CE", "NFO-OPT", "CE", "NIFTY", NearExpiry, 24000, 9002, false),
            ("NFO", "NIFTY26NOV24000PE", "NFO-OPT", "PE", "NIFTY", NearExpiry, 24000, 9003, false),
            ("NFO", "NIFTY26NOV24100CE", "NFO-OPT", "CE", "NIFTY", NearExpiry, 24100, 9004, false),
            ("NFO", "NIFTY26DEC24000CE", "NFO-OPT", "CE", "NIFTY", FarExpiry, 24000, 9005, false),
            ("NFO", "NIFTY26OCT24000CE", "NFO-OPT", "CE", "NIFTY", PastExpiry, 24000, 9002, true),
            ("NFO", "BANKNIFTY26NOV52000CE", "NFO-OPT", "CE", "BANKNIFTY", NearExpiry, 52000, 9006, false),
            ("NSE", "RELIANCE", "NSE", "EQ", null, null, null, 738561, false),
            ("NSE", "TEST_ONE%", "NSE", "EQ", null, null, null, 738562, false),
        ];
        var ids = new Dictionary<string, int>();
        foreach (var row in rows)
        {
            await using var command = database.DataSource.CreateCommand(
                """
                INSERT INTO instruments (exchange, tradingsymbol, name, segment, instrument_type, underlying, expiry, strike, tick_size, lot_size, kite_token, is_expired)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0.05, 75, $9, $10)
                RETURNING instrument_id
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = row.Exchange });
            command.Parameters.Add(new NpgsqlParameter { Value = row.Symbol });
            command.Parameters.Add(new NpgsqlParameter { Value = row.Underlying ?? row.Symbol });
            command.Parameters.Add(new NpgsqlParameter { Value = row.Segment });
            command.Parameters.Add(new NpgsqlParameter { Value = row.Type });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)row.Underlying ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = row.Expiry.HasValue ? row.Expiry.Value : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date });
            command.Parameters.Add(new NpgsqlParameter { Value = row.Strike.HasValue ? row.Strike.Value : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Numeric });
            command.Parameters.Add(new NpgsqlParameter { Value = row.KiteToken });
            command.Parameters.Add(new NpgsqlParameter { Value = row.Expired });
            ids[row.Symbol] = (int)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
        }
        return new MarketInstruments(ids);
    }
}
