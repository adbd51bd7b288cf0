-- 1-minute candles fetched from a broker's history API. Kept apart from tick-derived candles so that a
-- backfill never overwrites what the feed recorded; the candles() query prefers these where both exist.
CREATE TABLE IF NOT EXISTS broker_candles (
    instrument_id integer     NOT NULL,
    bucket        timestamptz NOT NULL,
    open          numeric     NOT NULL,
    high          numeric     NOT NULL,
    low           numeric     NOT NULL,
    close         numeric     NOT NULL,
    -- Brokers report the candle's own volume here, not the cumulative day volume ticks carry.
    volume        bigint      NOT NULL CHECK (volume >= 0),
    oi            bigint,
    broker        text        NOT NULL,
    fetched_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instrument_id, bucket),
    CHECK (low <= high)
);
