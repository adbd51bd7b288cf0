using Npgsql;
using NpgsqlTypes;
using TradingHelper.Core.Brokers.Fyers;
using TradingHelper.Core.Market;

namespace TradingHelper.Ingestor.Instruments;

/// <summary>
/// Applies the Fyers symbol master to <c>instruments</c>: sets <c>fyers_symbol</c> and <c>fyers_token</c> on the row of the
/// same identity (exchange, trading symbol, expiry, in Kite's naming so both brokers share one row) or inserts it.
/// </summary>
public sealed class FyersInstrumentStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    // Kite names indices by display name; Fyers by ticker. Others keep the Fyers stem.
    private static readonly Dictionary<string, string> IndexNames = new(StringComparer.Ordinal)
    {
        ["NSE:NIFTY50-INDEX"] = "NIFTY 50",
        ["NSE:NIFTYBANK-INDEX"] = "NIFTY BANK",
        ["NSE:FINNIFTY-INDEX"] = "NIFTY FIN SERVICE",
        ["NSE:MIDCPNIFTY-INDEX"] = "NIFTY MID SELECT",
        ["NSE:INDIAVIX-INDEX"] = "INDIA VIX",
        ["NSE:NIFTYNXT50-INDEX"] = "NIFTY NEXT 50",
        ["BSE:SENSEX-INDEX"] = "SENSEX",
        ["BSE:BANKEX-INDEX"] = "BANKEX",
    };

    /// <summary>The instruments row identity of a Fyers contract (Kite's naming), or null for a segment this project does not store.</summary>
    public static (string Exchange, string TradingSymbol, string Segment, string InstrumentType)? IdentityOf(FyersInstrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        var ticker = instrument.FyersSymbol[(instrument.FyersSymbol.IndexOf(':', StringComparison.Ordinal) + 1)..];
        var type = instrument.OptionType is "CE" or "PE" ? instrument.OptionType : instrument.Expiry is null ? "EQ" : "FUT";
        if (FyersTopicNames.IsIndex(instrument.FyersSymbol))
        {
            var name = IndexNames.GetValueOrDefault(instrument.FyersSymbol, ticker[..^"-INDEX".Length]);
            return (instrument.Exchange, name, "INDICES", "EQ");
        }
        return instrument.Segment switch
        {
            // Fyers suffixes the cash series (-EQ); Kite's symbol is the bare one for EQ.
            "NSE_CM" or "BSE_CM" => (instrument.Exchange, ticker.EndsWith("-EQ", StringComparison.Ordinal) ? ticker[..^3] : ticker, instrument.Exchange, type),
            "NSE_FO" => ("NFO", ticker, type == "FUT" ? "NFO-FUT" : "NFO-OPT", type),
            "BSE_FO" => ("BFO", ticker, type == "FUT" ? "BFO-FUT" : "BFO-OPT", type),
            "MCX_COM" => ("MCX", ticker, type == "FUT" ? "MCX-FUT" : "MCX-OPT", type),
            _ => null,
        };
    }

    /// <summary>Applies the instruments; returns how many rows now carry their Fyers symbol and fytoken.</summary>
    public async Task<InstrumentSyncResult> UpsertAsync(IReadOnlyList<FyersInstrument> instruments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instruments);
        var rows = instruments.Select(instrument => (Instrument: instrument, Identity: IdentityOf(instrument)))
            .Where(row => row.Identity is not null).ToList();
        var columns = new object[12];
        columns[0] = rows.Select(row => row.Identity!.Value.Exchange).ToArray();
        columns[1] = rows.Select(row => row.Identity!.Value.TradingSymbol).ToArray();
        columns[2] = rows.Select(row => row.Instrument.Name).ToArray();
        columns[3] = rows.Select(row => row.Identity!.Value.Segment).ToArray();
        columns[4] = rows.Select(row => row.Identity!.Value.InstrumentType).ToArray();
        columns[5] = rows.Select(row => row.Instrument.Underlying).ToArray();
        columns[6] = rows.Select(row => row.Instrument.Expiry).ToArray();
        columns[7] = rows.Select(row => row.Instrument.Strike).ToArray();
        // The table wants positive tick and lot sizes; index rows have neither in the master.
        columns[8] = rows.Select(row => row.Instrument.TickSize > 0 ? row.Instrument.TickSize : 0.05m).ToArray();
        columns[9] = rows.Select(row => Math.Max(row.Instrument.LotSize, 1)).ToArray();
        columns[10] = rows.Select(row => row.Instrument.FyersSymbol).ToArray();
        columns[11] = rows.Select(row => row.Instrument.FyersToken).ToArray();
        NpgsqlDbType[] types =
        [
            NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Date,
            NpgsqlDbType.Numeric, NpgsqlDbType.Numeric, NpgsqlDbType.Integer, NpgsqlDbType.Text, NpgsqlDbType.Text,
        ];

        var today = IstClock.Today(time.GetUtcNow());
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var stage = new NpgsqlCommand(
            """
            CREATE TEMP TABLE fyers_dump ON COMMIT DROP AS
            SELECT DISTINCT ON (exchange, tradingsymbol, expiry) *
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::date[],
                        $8::numeric[], $9::numeric[], $10::integer[], $11::text[], $12::text[])
                AS t(exchange, tradingsymbol, name, segment, instrument_type, underlying, expiry, strike, tick_size, lot_size,
                     fyers_symbol, fyers_token)
            ORDER BY exchange, tradingsymbol, expiry, fyers_symbol
            """, connection, transaction))
        {
            for (var i = 0; i < columns.Length; i++)
            {
                stage.Parameters.Add(new NpgsqlParameter { Value = columns[i], NpgsqlDbType = NpgsqlDbType.Array | types[i] });
            }
            await stage.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var apply = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                // A ticker that moved to another row first leaves the old one: a live Fyers symbol names one instrument.
                new NpgsqlBatchCommand(
                    """
                    UPDATE instruments i SET fyers_symbol = NULL, fyers_token = NULL, updated_at = now()
                    FROM fyers_dump d
                    WHERE i.fyers_symbol = d.fyers_symbol AND NOT i.is_expired
                      AND (i.exchange, i.tradingsymbol, i.expiry) IS DISTINCT FROM (d.exchange, d.tradingsymbol, d.expiry)
                    """),
                // A row Kite (or an earlier sync) created keeps its Kite columns; only the Fyers ones are set.
                new NpgsqlBatchCommand(
                    """
                    WITH upserted AS (
                        INSERT INTO instruments (exchange, tradingsymbol, name, segment, instrument_type, underlying, expiry, strike,
                                                 tick_size, lot_size, fyers_symbol, fyers_token, is_expired, updated_at)
                        SELECT exchange, tradingsymbol, name, segment, instrument_type, underlying, expiry, strike,
                               tick_size, lot_size, fyers_symbol, fyers_token, coalesce(expiry < $1, false), now()
                        FROM fyers_dump
                        ON CONFLICT ON CONSTRAINT instruments_identity DO UPDATE SET
                            fyers_symbol = excluded.fyers_symbol, fyers_token = excluded.fyers_token, updated_at = now()
                        RETURNING 1
                    )
                    SELECT count(*) FROM upserted
                    """)
                {
                    Parameters = { new NpgsqlParameter<DateOnly> { TypedValue = today } },
                },
                // Gone from today's master of an exchange segment it covers, or past its expiry: marked, never deleted, so
                // its ticks and candles stay. A sync of some exchanges leaves the others alone.
                new NpgsqlBatchCommand(
                    """
                    WITH vanished AS (
                        UPDATE instruments SET is_expired = true, updated_at = now()
                        WHERE NOT is_expired
                          AND ((fyers_symbol IS NOT NULL
                                AND fyers_symbol NOT IN (SELECT fyers_symbol FROM fyers_dump)
                                AND (exchange, segment) IN (SELECT DISTINCT exchange, segment FROM fyers_dump))
                               OR expiry < $1)
                        RETURNING 1
                    )
                    SELECT count(*) FROM vanished
                    """)
                {
                    Parameters = { new NpgsqlParameter<DateOnly> { TypedValue = today } },
                },
            },
        };
        long written, vanished;
        await using (var reader = await apply.ExecuteReaderAsync(cancellationToken))
        {
            // The first UPDATE returns no rows, so the upsert's count is the reader's first result set.
            await reader.ReadAsync(cancellationToken);
            written = reader.GetInt64(0);
            await reader.NextResultAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            vanished = reader.GetInt64(0);
        }
        await transaction.CommitAsync(cancellationToken);
        return new InstrumentSyncResult((int)written, (int)vanished);
    }

    /// <summary>Whether any live instrument carries a Fyers symbol yet (a fresh database syncs at start-up).</summary>
    public async Task<bool> HasFyersInstrumentsAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM instruments WHERE fyers_symbol IS NOT NULL AND NOT is_expired)");
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }
}
