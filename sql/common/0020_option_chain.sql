-- Open-interest analysis of an option expiry, shared by the Api's GET /api/option-chain and the Open interest
-- dashboard so both read a chain the same way.

-- Who is acting, read from the signs of a contract's price and OI change over an interval: new longs (long
-- build-up), new shorts (short build-up), shorts buying back (short covering), longs selling out (long unwinding).
-- An unchanged price or OI reads nothing.
CREATE OR REPLACE FUNCTION oi_build_up(p_price_change numeric, p_oi_change numeric)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN p_price_change > 0 AND p_oi_change > 0 THEN 'long build-up'
        WHEN p_price_change < 0 AND p_oi_change > 0 THEN 'short build-up'
        WHEN p_price_change > 0 AND p_oi_change < 0 THEN 'short covering'
        WHEN p_price_change < 0 AND p_oi_change < 0 THEN 'long unwinding'
    END;
$$;

-- Every CE and PE of an expiry as it stood just before p_at: the last tick of p_at's IST day (the exchange stamps whole
-- seconds, so the later received of a second's ticks; nulls when the contract
-- has not traded that day yet) and, from the candle store, the close and OI of its last minute before that day (broker
-- history winning over ticks in a shared minute, as in candles()).
CREATE OR REPLACE FUNCTION option_chain(p_underlying text, p_expiry date, p_at timestamptz)
RETURNS TABLE (instrument_id integer, tradingsymbol text, strike numeric, option_type text, lot_size integer,
               tick_time timestamptz, last_price numeric, volume bigint, oi bigint,
               bid_price numeric, bid_quantity bigint, ask_price numeric, ask_quantity bigint,
               previous_close numeric, previous_oi bigint)
LANGUAGE sql STABLE
AS $$
    WITH day AS (
        -- p_at is exclusive, so a chain at midnight is the previous day's close.
        SELECT date_bin(INTERVAL '1 day', p_at - INTERVAL '1 microsecond', TIMESTAMPTZ '2000-01-01 00:00+05:30') AS opens
    )
    SELECT i.instrument_id, i.tradingsymbol, i.strike, i.instrument_type, i.lot_size,
           t.time, t.last_price, t.volume, t.oi, t.bid_price, t.bid_quantity, t.ask_price, t.ask_quantity,
           p.close, p.oi
    FROM instruments i
    CROSS JOIN day d
    LEFT JOIN LATERAL (
        SELECT x.time, x.last_price, x.volume, x.oi, x.bid_price, x.bid_quantity, x.ask_price, x.ask_quantity
        FROM tick_data x
        WHERE x.instrument_id = i.instrument_id AND x.time >= d.opens AND x.time < p_at
        ORDER BY x.time DESC, x.received_at DESC
        LIMIT 1
    ) t ON true
    LEFT JOIN LATERAL (
        SELECT m.close, m.oi
        FROM ((SELECT c.bucket, c.close, c.oi, 1 AS preference FROM candles_1m c
               WHERE c.instrument_id = i.instrument_id AND c.bucket < d.opens ORDER BY c.bucket DESC LIMIT 1)
              UNION ALL
              (SELECT b.bucket, b.close, b.oi, 0 FROM broker_candles b
               WHERE b.instrument_id = i.instrument_id AND b.bucket < d.opens ORDER BY b.bucket DESC LIMIT 1)) m
        ORDER BY m.bucket DESC, m.preference
        LIMIT 1
    ) p ON true
    WHERE i.underlying = p_underlying AND i.expiry = p_expiry AND i.instrument_type IN ('CE', 'PE');
$$;

-- Max pain: the settlement strike at which option holders would collect least, each contract's OI paying its
-- intrinsic value there. Ties go to the lower strike.
CREATE OR REPLACE FUNCTION max_pain(p_strikes numeric[], p_option_types text[], p_ois bigint[])
RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT s.settle
    FROM (SELECT DISTINCT unnest(p_strikes) AS settle) s
    CROSS JOIN LATERAL (
        SELECT sum(CASE WHEN c.option_type = 'CE' THEN greatest(s.settle - c.strike, 0) ELSE greatest(c.strike - s.settle, 0) END
                   * coalesce(c.oi, 0)) AS payout
        FROM unnest(p_strikes, p_option_types, p_ois) AS c (strike, option_type, oi)
    ) p
    WHERE s.settle IS NOT NULL
    ORDER BY p.payout, s.settle
    LIMIT 1;
$$;

-- The chain's totals minute by minute over [p_from, p_to): OI and cumulative day volume of calls and puts, their
-- put-call ratios and max pain, each contract carrying its last one-minute candle forward within the IST day.
CREATE OR REPLACE FUNCTION option_chain_minutes(p_underlying text, p_expiry date, p_from timestamptz, p_to timestamptz)
RETURNS TABLE (bucket timestamptz, call_oi bigint, put_oi bigint, call_volume bigint, put_volume bigint,
               pcr_oi numeric, pcr_volume numeric, max_pain numeric)
LANGUAGE sql STABLE
AS $$
    WITH contracts AS (
        SELECT i.instrument_id, i.strike, i.instrument_type
        FROM instruments i
        WHERE i.underlying = p_underlying AND i.expiry = p_expiry AND i.instrument_type IN ('CE', 'PE')
    ),
    minutes AS (
        SELECT DISTINCT c.bucket
        FROM candles_1m c
        WHERE c.instrument_id IN (SELECT k.instrument_id FROM contracts k) AND c.bucket >= p_from AND c.bucket < p_to
    ),
    state AS (
        SELECT m.bucket, k.strike, k.instrument_type, last.oi, last.day_volume
        FROM minutes m
        CROSS JOIN contracts k
        JOIN LATERAL (
            SELECT c.oi, c.day_volume
            FROM candles_1m c
            WHERE c.instrument_id = k.instrument_id AND c.bucket <= m.bucket
              AND c.bucket >= date_bin(INTERVAL '1 day', m.bucket, TIMESTAMPTZ '2000-01-01 00:00+05:30')
            ORDER BY c.bucket DESC
            LIMIT 1
        ) last ON true
    )
    SELECT s.bucket,
           sum(s.oi) FILTER (WHERE s.instrument_type = 'CE')::bigint,
           sum(s.oi) FILTER (WHERE s.instrument_type = 'PE')::bigint,
           sum(s.day_volume) FILTER (WHERE s.instrument_type = 'CE')::bigint,
           sum(s.day_volume) FILTER (WHERE s.instrument_type = 'PE')::bigint,
           round(sum(s.oi) FILTER (WHERE s.instrument_type = 'PE')
                 / nullif(sum(s.oi) FILTER (WHERE s.instrument_type = 'CE'), 0), 4),
           round(sum(s.day_volume) FILTER (WHERE s.instrument_type = 'PE')
                 / nullif(sum(s.day_volume) FILTER (WHERE s.instrument_type = 'CE'), 0), 4),
           max_pain(array_agg(s.strike), array_agg(s.instrument_type), array_agg(s.oi))
    FROM state s
    GROUP BY s.bucket
    ORDER BY s.bucket;
$$;
