-- Ticks that reach tick_data long after their time (a spool replayed after an outage) land behind both
-- refreshers' windows. The writer records their span here, in the batch's own transaction, with
-- invalidate_candles(); the Ingestor's CandleRefresher recomputes those candles and deletes the row.
CREATE TABLE IF NOT EXISTS candle_invalidations (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    from_time  timestamptz NOT NULL,
    to_time    timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (from_time <= to_time)
);

-- p_to is the time of the newest late tick; the candle holding it is recomputed too.
CREATE OR REPLACE FUNCTION invalidate_candles(p_from timestamptz, p_to timestamptz)
RETURNS void
LANGUAGE sql
AS $$
    INSERT INTO candle_invalidations (from_time, to_time) VALUES (p_from, p_to);
$$;
