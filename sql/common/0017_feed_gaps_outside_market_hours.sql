-- A gap with no trading minute in it (a disconnect after the close that ended before the next open) has nothing
-- broker history could fill; it is marked so the gap backfill does not look at it again.
ALTER TABLE feed_gaps ADD COLUMN IF NOT EXISTS outside_market_hours boolean NOT NULL DEFAULT false;
