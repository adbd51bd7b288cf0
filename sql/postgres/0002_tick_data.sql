-- Plain PostgreSQL: tick_data is range-partitioned by day; PartitionMaintenance creates partitions ahead
-- and drops those past retention.
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
) PARTITION BY RANGE (time);

-- (instrument, exchange time) is not unique: an instrument can tick twice in one exchange second.
CREATE INDEX IF NOT EXISTS tick_data_instrument_time ON tick_data (instrument_id, time DESC);

-- Ticks whose day has no partition yet (clock skew, a missed maintenance run) are kept, never refused.
CREATE TABLE IF NOT EXISTS tick_data_default PARTITION OF tick_data DEFAULT;
