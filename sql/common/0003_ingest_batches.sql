-- One row per tick batch, committed in the same transaction as the batch's rows: a batch replayed from
-- the spool after a crash finds its id here and is skipped, so no tick is written twice.
CREATE TABLE IF NOT EXISTS ingest_batches (
    batch_id     uuid        PRIMARY KEY,
    writer       text        NOT NULL,
    row_count    integer     NOT NULL CHECK (row_count >= 0),
    committed_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS ingest_batches_committed_at ON ingest_batches (committed_at);
