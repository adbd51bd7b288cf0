-- Tick-derived 1-minute candles. A continuous aggregate cannot use window functions, so it keeps the
-- cumulative day volume at the candle's close (day_volume); candles() turns it into the candle's volume.
-- max(volume) rather than last(): cumulative volume only rises within a day, a minute never spans IST
-- midnight, and max ignores ticks without volume (indices) and ticks that arrive out of order.
-- Open, close and OI follow arrival (received_at): exchange time has whole seconds and a liquid contract ticks
-- several times in one, so ordering by it would pick among them arbitrarily.
CREATE MATERIALIZED VIEW IF NOT EXISTS candles_1m
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT instrument_id,
       time_bucket(INTERVAL '1 minute', time) AS bucket,
       first(last_price, received_at)          AS open,
       max(last_price)                         AS high,
       min(last_price)                         AS low,
       last(last_price, received_at)           AS close,
       max(volume)                             AS day_volume,
       last(oi, received_at)                   AS oi,
       count(*)                                AS tick_count
FROM tick_data
GROUP BY instrument_id, time_bucket(INTERVAL '1 minute', time)
WITH NO DATA;

-- A window of one bucket is refused ("policy refresh window too small"); ten minutes also re-reads
-- ticks that arrive a little late. Real-time aggregation covers the minute still in progress.
SELECT add_continuous_aggregate_policy('candles_1m',
    start_offset      => INTERVAL '10 minutes',
    end_offset        => INTERVAL '1 minute',
    schedule_interval => INTERVAL '1 minute',
    if_not_exists     => TRUE);
