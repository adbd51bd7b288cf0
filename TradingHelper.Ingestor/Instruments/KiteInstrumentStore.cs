using Npgsql;
using NpgsqlTypes;
using TradingHelper.Core.Brokers.Kite;
using TradingHelper.Core.Market;

namespace TradingHelper.Ingestor.Instruments;

/// <summary>
/// Upserts Kite's instrument dump into <c>instruments</c> in one transaction. Contracts are never deleted: a passed
/// expiry, a row missing from today's dump of its segment, or a token the exchange gave to a new contract marks them expired.
/// </summary>
public sealed class KiteInstrumentStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>Applies a dump; returns how many rows it wrote and how many contracts it newly marked expired.</summary>
    public async Task<InstrumentSyncResult> UpsertAsync(IReadOnlyList<KiteInstrument> instruments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instruments);
        var today = IstClock.Today(time.GetUtcNow());
        var count = instruments.Count;
        var exchanges = new string[count];
        var symbols = new string[count];
        var names = new string?[count];
        var segments = new string[count];
        var types = new string[count];
        var underlyings = new string?[count];
        var expiries = new DateOnly?[count];
        var strikes = new decimal?[count];
        var ticks = new decimal[count];
        var lots = new int[count];
        var tokens = new long[count];
        var exchangeTokens = new long[count];
        for (var i = 0; i < count; i++)
        {
            var instrument = instruments[i];
            exchanges[i] = instrument.Exchange;
            symbols[i] = instrument.TradingSymbol;
            names[i] = instrument.Name;
            segments[i] = instrument.Segment;
            types[i] = instrument.InstrumentType;
            underlyings[i] = instrument.Underlying;
            expiries[i] = instrument.Expiry;
            strikes[i] = instrument.Strike;
            ticks[i] = instrument.TickSize;
            lots[i] = instrument.LotSize;
            tokens[i] = instrument.InstrumentToken;
            exchangeTokens[i] = instrument.ExchangeToken;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var stage = new NpgsqlCommand(
            """
            CREATE TEMP TABLE kite_dump ON COMMIT DROP AS
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::date[],
                                 $8::numeric[], $9::numeric[], $10::integer[], $11::bigint[], $12::bigint[])
                AS t(exchange, tradingsymbol, name, segment, instrument_type, underlying, expiry, strike, tick_size, lot_size,
                     kite_token, kite_exchange_token)
            """, connection, transaction))
        {
            stage.Parameters.Add(new NpgsqlParameter { Value = exchanges, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            stage.Parameters.Add(new NpgsqlParameter { Value = symbols, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            stage.Parameters.Add(new NpgsqlParameter { Value = names, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            stage.Parameters.Add(new NpgsqlParameter { Value = segments, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            stage.Parameters.Add(new NpgsqlParameter { Value = types, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            stage.Parameters.Add(new NpgsqlParameter { Value = underlyings, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            stage.Parameters.Add(new NpgsqlParameter { Value = expiries, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date });
            stage.Parameters.Add(new NpgsqlParameter { Value = strikes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Numeric });
            stage.Parameters.Add(new NpgsqlParameter { Value = ticks, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Numeric });
            stage.Parameters.Add(new NpgsqlParameter { Value = lots, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
            stage.Parameters.Add(new NpgsqlParameter { Value = tokens, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            stage.Parameters.Add(new NpgsqlParameter { Value = exchangeTokens, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            await stage.ExecuteNonQueryAsync(cancellationToken);
        }

        // now() is the transaction's start, so every row this sync touched carries the same updated_at.
        await using var apply = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(
                    """
                    -- A token the exchange reused for another contract first leaves the contract that held it.
                    WITH reused AS (
                        UPDATE instruments i SET is_expired = true, updated_at = now()
                        FROM kite_dump d
                        WHERE i.kite_token = d.kite_token AND NOT i.is_expired
                          AND (i.exchange, i.tradingsymbol, i.expiry) IS DISTINCT FROM (d.exchange, d.tradingsymbol, d.expiry)
                        RETURNING 1
                    )
                    SELECT count(*) FROM reused
                    """),
                new NpgsqlBatchCommand(
                    """
                    WITH upserted AS (
                        INSERT INTO instruments (exchange, tradingsymbol, name, segment, instrument_type, underlying, expiry, strike,
                                                 tick_size, lot_size, kite_token, kite_exchange_token, is_expired, updated_at)
                        -- During Kite's v3 migration indices were listed twice (NSE-INDICES and INDICES); INDICES wins.
                        SELECT DISTINCT ON (exchange, tradingsymbol, expiry)
                               exchange, tradingsymbol, name, segment, instrument_type, underlying, expiry, strike,
                               tick_size, lot_size, kite_token, kite_exchange_token, coalesce(expiry < $1, false), now()
                        FROM kite_dump
                        ORDER BY exchange, tradingsymbol, expiry, segment LIKE '%-INDICES', kite_token
                        ON CONFLICT ON CONSTRAINT instruments_identity DO UPDATE SET
                            name = excluded.name, segment = excluded.segment, instrument_type = excluded.instrument_type,
                            underlying = excluded.underlying, strike = excluded.strike, tick_size = excluded.tick_size,
                            lot_size = excluded.lot_size, kite_token = excluded.kite_token,
                            kite_exchange_token = excluded.kite_exchange_token, is_expired = excluded.is_expired, updated_at = now()
                        RETURNING 1
                    )
                    SELECT count(*) FROM upserted
                    """)
                {
                    Parameters = { new NpgsqlParameter<DateOnly> { TypedValue = today } },
                },
                new NpgsqlBatchCommand(
                    """
                    -- Gone from today's dump of an exchange segment it covers (delisted, banned, moved to T2T), or past its expiry.
                    -- A sync of some exchanges leaves the others alone: BSE indices share the INDICES segment with NSE's.
                    WITH vanished AS (
                        UPDATE instruments SET is_expired = true, updated_at = now()
                        WHERE NOT is_expired
                          AND ((kite_token IS NOT NULL AND updated_at < now()
                                AND (exchange, segment) IN (SELECT DISTINCT exchange, segment FROM kite_dump))
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
        long reused, written, vanished;
        await using (var reader = await apply.ExecuteReaderAsync(cancellationToken))
        {
            reused = await ScalarAsync(reader, cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            written = await ScalarAsync(reader, cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            vanished = await ScalarAsync(reader, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return new InstrumentSyncResult((int)written, (int)(reused + vanished));
    }

    /// <summary>Whether any instrument carries a Kite token yet (a fresh database syncs at start-up).</summary>
    public async Task<bool> HasKiteInstrumentsAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM instruments WHERE kite_token IS NOT NULL)");
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    private static async Task<long> ScalarAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        await reader.ReadAsync(cancellationToken);
        return reader.GetInt64(0);
    }
}
