-- A day's ticks are read as whole instrument series (candles, replays), so compressed segments are per
-- instrument, newest first. Raw ticks are kept 7 days; candles_1m keeps their summary for good.
ALTER TABLE tick_data SET (
    timescaledb.compress,
    timescaledb.compress_segmentby = 'instrument_id',
    timescaledb.compress_orderby = 'time DESC'
);

SELECT add_compression_policy('tick_data', INTERVAL '1 day', if_not_exists => TRUE);

SELECT add_retention_policy('tick_data', INTERVAL '7 days', if_not_exists => TRUE);
