-- Instrument identity is exchange + trading symbol (+ expiry). Broker tokens are mapped onto the internal
-- id because Kite reuses instrument tokens after expiry and Fyers has its own tokens.
CREATE TABLE IF NOT EXISTS instruments (
    instrument_id       integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    exchange            text        NOT NULL,
    tradingsymbol       text        NOT NULL,
    name                text,
    segment             text        NOT NULL,
    instrument_type     text        NOT NULL,
    underlying          text,
    expiry              date,
    strike              numeric,
    tick_size           numeric     NOT NULL CHECK (tick_size > 0),
    lot_size            integer     NOT NULL CHECK (lot_size > 0),
    kite_token          bigint,
    kite_exchange_token bigint,
    fyers_symbol        text,
    fyers_token         text,
    is_expired          boolean     NOT NULL DEFAULT false,
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT instruments_identity UNIQUE NULLS NOT DISTINCT (exchange, tradingsymbol, expiry)
);

-- A live Kite token names exactly one instrument; expired contracts keep their old token for history.
CREATE UNIQUE INDEX IF NOT EXISTS instruments_live_kite_token ON instruments (kite_token) WHERE NOT is_expired;
CREATE UNIQUE INDEX IF NOT EXISTS instruments_live_fyers_symbol ON instruments (fyers_symbol) WHERE NOT is_expired;
CREATE INDEX IF NOT EXISTS instruments_underlying_expiry ON instruments (underlying, expiry);
