-- What the trader asked to watch. The Api records intent here; the Ingestor subscribes to the active rows.
CREATE TABLE IF NOT EXISTS subscriptions (
    instrument_id integer     PRIMARY KEY REFERENCES instruments (instrument_id),
    mode          text        NOT NULL DEFAULT 'full' CHECK (mode IN ('ltp', 'quote', 'full')),
    active        boolean     NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS subscriptions_active ON subscriptions (instrument_id) WHERE active;
