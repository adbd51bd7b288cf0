-- A broker disconnect: ticks of that span are lost for good, so the span is recorded and its candles are
-- backfilled from broker history. ended_at stays null while the connection is still down.
CREATE TABLE IF NOT EXISTS feed_gaps (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    broker          text        NOT NULL,
    connection      text        NOT NULL,
    instrument_ids  integer[]   NOT NULL,
    started_at      timestamptz NOT NULL,
    ended_at        timestamptz,
    backfill_job_id uuid        REFERENCES backfill_jobs (id) ON DELETE SET NULL,
    CHECK (ended_at IS NULL OR ended_at >= started_at)
);

CREATE INDEX IF NOT EXISTS feed_gaps_started_at ON feed_gaps (started_at DESC);
-- A connection is either up or in one gap.
CREATE UNIQUE INDEX IF NOT EXISTS feed_gaps_open ON feed_gaps (broker, connection) WHERE ended_at IS NULL;
