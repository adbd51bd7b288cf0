-- Tick-derived 1-minute candles with the columns of the timescale profile's continuous aggregate, kept
-- current by the Ingestor's CandleRefresher through refresh_candles_1m().
CREATE TABLE IF NOT EXISTS candles_1m (
    instrument_id integer     NOT NULL,
    bucket        timestamptz NOT NULL,
    open          numeric     NOT NULL,
    high          numeric     NOT NULL,
    low           numeric     NOT NULL,
    close         numeric     NOT NULL,
    -- Cumulative day volume at the candle's close; candles() turns it into the candle's own volume.
    day_volume    bigint,
    oi            bigint,
    tick_count    bigint      NOT NULL,
    PRIMARY KEY (instrument_id, bucket)
);

-- How far the refresher has got, so that a refresher held up by an outage catches up instead of skipping.
CREATE TABLE IF NOT EXISTS refresh_watermarks (
    name         text        PRIMARY KEY,
    refreshed_to timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- The refresher reads ticks by time alone; a BRIN index stays tiny on append-ordered data.
CREATE INDEX IF NOT EXISTS tick_data_time_brin ON tick_data USING brin (time);

-- Recomputes the candles of [p_from, p_to) from tick_data; idempotent, and rows that did not change are
-- not rewritten. Returns how many candles were inserted or changed.
CREATE OR REPLACE FUNCTION refresh_candles_1m(p_from timestamptz, p_to timestamptz)
RETURNS bigint
LANGUAGE sql
AS $$
    WITH upserted AS (
        INSERT INTO candles_1m AS c (instrument_id, bucket, open, high, low, close, day_volume, oi, tick_count)
        SELECT t.instrument_id,
               date_bin(INTERVAL '1 minute', t.time, TIMESTAMPTZ '2000-01-01 00:00+00'),
               (array_agg(t.last_price ORDER BY t.time, t.received_at))[1],
               max(t.last_price),
               min(t.last_price),
               (array_agg(t.last_price ORDER BY t.time DESC, t.received_at DESC))[1],
               max(t.volume),
               (array_agg(t.oi ORDER BY t.time DESC, t.received_at DESC))[1],
               count(*)
        FROM tick_data t
        WHERE t.time >= date_bin(INTERVAL '1 minute', p_from, TIMESTAMPTZ '2000-01-01 00:00+00')
          AND t.time < p_to
        GROUP BY 1, 2
        ON CONFLICT (instrument_id, bucket) DO UPDATE
        SET open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close,
            day_volume = EXCLUDED.day_volume, oi = EXCLUDED.oi, tick_count = EXCLUDED.tick_count
        WHERE (c.open, c.high, c.low, c.close, c.day_volume, c.oi, c.tick_count)
              IS DISTINCT FROM
              (EXCLUDED.open, EXCLUDED.high, EXCLUDED.low, EXCLUDED.close, EXCLUDED.day_volume, EXCLUDED.oi, EXCLUDED.tick_count)
        RETURNING 1
    )
    SELECT count(*) FROM upserted;
$$;
