import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { migratedDatabase, rows } from './database.js';

const ist = (local) => new Date(`${local}+05:30`);
const FUTURE = 1;
const STOCK = 2;
const OPTION = 3;
const CLOSING = 4;

// [instrument, IST time, last price, cumulative day volume, OI]
const ticks = [
  [FUTURE, '2026-01-05T09:15:05', '100.00', 10, 500],
  [FUTURE, '2026-01-05T09:15:40', '103.50', 25, 510],
  [FUTURE, '2026-01-05T09:15:59', '99.25', 30, 505],
  // 09:16 has no ticks.
  [FUTURE, '2026-01-05T09:17:10', '101.00', 42, 520],
  [FUTURE, '2026-01-05T09:17:50', '102.00', 50, 530],
  [FUTURE, '2026-01-05T15:29:30', '110.00', 900, 600],
  // The next IST day starts the cumulative volume again.
  [FUTURE, '2026-01-06T09:15:02', '111.00', 7, 610],
  [FUTURE, '2026-01-06T09:15:30', '112.00', 12, 615],
  [STOCK, '2026-01-05T09:15:00', '200.00', 5, null],
  [STOCK, '2026-01-05T10:14:59', '205.00', 15, null],
  [STOCK, '2026-01-05T10:15:00', '204.00', 20, null],
  [STOCK, '2026-01-05T15:29:59', '210.00', 40, null],
  // Ticks after the close add no volume.
  [CLOSING, '2026-01-05T15:29:30', '300.00', 900, null],
  [CLOSING, '2026-01-05T15:30:00', '301.00', 920, null],
  [CLOSING, '2026-01-05T15:45:10', '302.00', 990, null],
  // A pre-open snapshot still holds the previous session's total; the day's volume starts at the open.
  [OPTION, '2026-01-05T09:05:00', '50.00', 1000000, 7000],
  [OPTION, '2026-01-05T09:15:10', '51.00', 100, 7010],
  [OPTION, '2026-01-05T09:16:10', '52.00', 250, 7020],
  [OPTION, '2026-01-05T09:17:10', '53.00', 400, 7030],
  // A cumulative that falls is a new series, counted from the lower value.
  [OPTION, '2026-01-05T09:18:10', '54.00', 50, 7040],
  [OPTION, '2026-01-05T09:19:10', '55.00', 120, 7050],
  // The next IST day: its pre-open snapshot holds this day's total again.
  [OPTION, '2026-01-06T09:07:00', '56.00', 120, 7050],
  [OPTION, '2026-01-06T09:15:30', '57.00', 60, 7060],
];

async function candles(db, instrument, from, to, interval) {
  const result = await rows(db,
    `SELECT bucket, open::text, high::text, low::text, close::text, volume::text, oi::text, source
     FROM candles($1, $2, $3, $4)`,
    [instrument, ist(from), ist(to), interval]);
  return result.map((c) => ({ ...c, bucket: c.bucket.toISOString() }));
}

const candle = (bucket, open, high, low, close, volume, oi) => ({
  bucket: ist(bucket).toISOString(), open, high, low, close, volume: String(volume), oi: oi === null ? null : String(oi), source: 'ticks',
});

const expectedFutureMinutes = [
  candle('2026-01-05T09:15:00', '100.00', '103.50', '99.25', '99.25', 30, 505),
  candle('2026-01-05T09:17:00', '101.00', '102.00', '101.00', '102.00', 20, 530),
  candle('2026-01-05T15:29:00', '110.00', '110.00', '110.00', '110.00', 850, 600),
  candle('2026-01-06T09:15:00', '111.00', '112.00', '111.00', '112.00', 12, 615),
];

const expectedStockHours = [
  candle('2026-01-05T09:15:00', '200.00', '205.00', '200.00', '205.00', 15, null),
  candle('2026-01-05T10:15:00', '204.00', '204.00', '204.00', '204.00', 5, null),
  candle('2026-01-05T15:15:00', '210.00', '210.00', '210.00', '210.00', 20, null),
];

// Real-time aggregation answers before any refresh; the materialised candles must answer the same.
for (const path of ['real-time', 'materialised']) {
  describe(`candles from ticks, ${path}`, () => {
    let db;
    before(async () => {
      db = await migratedDatabase();
      for (const [instrument, time, price, volume, oi] of ticks) {
        await db.query(
          `INSERT INTO tick_data (time, instrument_id, last_price, volume, oi, exchange_time, received_at)
           VALUES ($1, $2, $3::numeric, $4, $5, $1, $1)`,
          [ist(time), instrument, price, volume, oi]);
      }
      if (path === 'materialised') {
        await db.exec(`CALL refresh_continuous_aggregate('candles_1m', '2026-01-04', '2026-01-07')`);
        const materialised = await rows(db, `SELECT count(*)::int AS n FROM _timescaledb_internal._materialized_hypertable_${
          (await rows(db, `SELECT mat_hypertable_id AS id FROM _timescaledb_catalog.continuous_agg WHERE user_view_name = 'candles_1m'`))[0].id}`);
        assert.ok(materialised[0].n > 0);
      }
    });
    after(async () => {
      await db?.close();
    });

    test('a minute has first, highest, lowest and last price, the rise of cumulative volume and the last OI', async () => {
      assert.deepEqual(await candles(db, FUTURE, '2026-01-05T09:00:00', '2026-01-07T00:00:00', '1m'), expectedFutureMinutes);
    });

    test('a range starting mid-day still measures volume from the start of the IST day', async () => {
      assert.deepEqual(await candles(db, FUTURE, '2026-01-05T09:17:00', '2026-01-05T09:18:00', '1m'), [expectedFutureMinutes[1]]);
    });

    test('five-minute candles sum the minute volumes and keep the last OI', async () => {
      assert.deepEqual(await candles(db, FUTURE, '2026-01-05T09:15:00', '2026-01-05T09:20:00', '5m'), [
        candle('2026-01-05T09:15:00', '100.00', '103.50', '99.25', '102.00', 50, 530),
      ]);
    });

    test('hourly candles start at 09:15 IST', async () => {
      assert.deepEqual(await candles(db, STOCK, '2026-01-05T09:15:00', '2026-01-05T15:30:00', '1h'), expectedStockHours);
    });

    test('only the session adds volume: not a pre-open snapshot of the previous total, nor ticks after the close', async () => {
      assert.deepEqual(await candles(db, OPTION, '2026-01-05T09:00:00', '2026-01-05T09:18:00', '1m'), [
        candle('2026-01-05T09:05:00', '50.00', '50.00', '50.00', '50.00', 0, 7000),
        candle('2026-01-05T09:15:00', '51.00', '51.00', '51.00', '51.00', 100, 7010),
        candle('2026-01-05T09:16:00', '52.00', '52.00', '52.00', '52.00', 150, 7020),
        candle('2026-01-05T09:17:00', '53.00', '53.00', '53.00', '53.00', 150, 7030),
      ]);
      assert.deepEqual((await candles(db, CLOSING, '2026-01-05T15:29:00', '2026-01-05T16:00:00', '1m')).map((c) => c.volume), ['900', '0', '0']);
    });

    test('a cumulative that falls counts its rise from the lower value, and each IST day starts from zero', async () => {
      assert.deepEqual((await candles(db, OPTION, '2026-01-05T09:17:00', '2026-01-05T09:20:00', '1m')).map((c) => c.volume), ['150', '0', '70']);
      assert.deepEqual((await candles(db, OPTION, '2026-01-05T00:00:00', '2026-01-07T00:00:00', '1d')).map((c) => [c.bucket, c.volume]), [
        [ist('2026-01-05T00:00:00').toISOString(), '470'],
        [ist('2026-01-06T00:00:00').toISOString(), '60'],
      ]);
    });

    test('daily candles are IST days', async () => {
      assert.deepEqual(await candles(db, FUTURE, '2026-01-05T00:00:00', '2026-01-07T00:00:00', '1d'), [
        candle('2026-01-05T00:00:00', '100.00', '110.00', '99.25', '110.00', 900, 600),
        candle('2026-01-06T00:00:00', '111.00', '112.00', '111.00', '112.00', 12, 615),
      ]);
    });
  });
}
