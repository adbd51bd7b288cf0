CREATE EXTENSION IF NOT EXISTS timescaledb;

CREATE TABLE IF NOT EXISTS tick_data (
    time           timestamptz NOT NULL,
    instrument_id  integer     NOT NULL,
    last_price     numeric     NOT NULL,
    last_quantity  bigint,
    average_price  numeric,
    volume         bigint,
    oi             bigint,
    bid_price      numeric,
    bid_quantity   bigint,
    ask_price      numeric,
    ask_quantity   bigint,
    exchange_time  timestamptz,
    received_at    timestamptz NOT NULL
);

SELECT create_hypertable('tick_data', by_range('time', INTERVAL '1 day'), if_not_exists => TRUE);

-- (instrument, exchange time) is not unique: an instrument can tick twice in one exchange second.
CREATE INDEX IF NOT EXISTS tick_data_instrument_time ON tick_data (instrument_id, time DESC);
