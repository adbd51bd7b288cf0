-- Instrument master refreshes asked for through the Api (POST /api/instruments/sync), so the job its 202 points
-- at can be watched: the Api records it queued, the Ingestor that runs the sync records how it ended.
CREATE TABLE IF NOT EXISTS instrument_syncs (
    id          uuid        PRIMARY KEY,
    exchanges   text[],
    status      text        NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    -- Rows inserted or refreshed from the dump, and contracts newly marked expired.
    written     integer,
    expired     integer,
    error       text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    started_at  timestamptz,
    finished_at timestamptz
);
