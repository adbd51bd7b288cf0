-- A request to fetch broker history into broker_candles; progress is kept per instrument so that a job
-- interrupted by a restart resumes where each instrument stopped.
CREATE TABLE IF NOT EXISTS backfill_jobs (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    from_time   timestamptz NOT NULL,
    to_time     timestamptz NOT NULL,
    interval    text        NOT NULL DEFAULT '1m' CHECK (interval IN ('1m', '5m', '15m', '1h', '1d')),
    status      text        NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    error       text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    started_at  timestamptz,
    finished_at timestamptz,
    CHECK (from_time < to_time)
);

CREATE INDEX IF NOT EXISTS backfill_jobs_pending ON backfill_jobs (created_at) WHERE status IN ('queued', 'running');

CREATE TABLE IF NOT EXISTS backfill_job_items (
    job_id          uuid        NOT NULL REFERENCES backfill_jobs (id) ON DELETE CASCADE,
    instrument_id   integer     NOT NULL,
    status          text        NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    -- History is fetched in windows; a resumed job starts here instead of at the job's from_time.
    fetched_to      timestamptz,
    candles_written integer     NOT NULL DEFAULT 0 CHECK (candles_written >= 0),
    error           text,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, instrument_id)
);
