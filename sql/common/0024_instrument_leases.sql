-- Several Ingestors share one subscription set: each instrument is streamed by the one Ingestor holding its lease.
-- Leases are renewed every second or so and expire when their holder stops renewing (a crash), so the others take
-- its instruments over. All times are the database's clock, the one clock every Ingestor shares.
CREATE TABLE IF NOT EXISTS ingestor_members (
    ingestor   text        PRIMARY KEY,
    expires_at timestamptz NOT NULL
);

-- ingestor is null once the holder released the lease (a rebalance or a stop); renewed_at is the last moment its
-- holder was known to stream the instrument, where the handover gap of the next holder starts.
CREATE TABLE IF NOT EXISTS instrument_leases (
    instrument_id integer     PRIMARY KEY REFERENCES instruments (instrument_id),
    ingestor      text,
    renewed_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL
);

CREATE INDEX IF NOT EXISTS instrument_leases_ingestor ON instrument_leases (ingestor);
