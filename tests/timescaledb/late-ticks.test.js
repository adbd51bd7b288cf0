import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { migratedDatabase, rows, scalar } from './database.js';

// Why CandleRefresher turns candle_invalidations into refresh_continuous_aggregate calls on TimescaleDB:
// ticks behind the refresh policy's window stay out of candles_1m until that span is refreshed.
let db;
before(async () => {
  db = await migratedDatabase();
});
after(async () => {
  await db?.close();
});

test('late ticks behind the refresh window reach candles once their span is refreshed', async () => {
  const minute = await scalar(db, `SELECT date_trunc('minute', now()) - INTERVAL '60 minutes'`);
  const next = new Date(minute.getTime() + 60_000);
  const tick = (second, price, volume) => db.query(
    `INSERT INTO tick_data (time, instrument_id, last_price, volume, received_at)
     VALUES ($1::timestamptz + $2 * INTERVAL '1 second', 5, $3::numeric, $4, now())`, [minute, second, price, volume]);
  const close = () => scalar(db, `SELECT close::text FROM candles(5, $1, $2, '1m')`, [minute, next]);
  const refresh = (from, to) => db.query(`CALL refresh_continuous_aggregate('candles_1m', $1::timestamptz, $2::timestamptz)`, [from, to]);
  const [policy] = await rows(db, `SELECT job_id FROM timescaledb_information.jobs WHERE proc_name = 'policy_refresh_continuous_aggregate'`);

  await tick(10, '100.00', 10);
  await refresh(new Date(minute.getTime() - 3_600_000), new Date(minute.getTime() + 3_600_000));
  await tick(50, '104.00', 15);
  await db.query(`SELECT invalidate_candles($1, $1::timestamptz + INTERVAL '50 seconds')`, [minute]);
  await db.exec(`CALL run_job(${policy.job_id})`);
  const afterPolicy = await close();
  // What CandleRefresher runs for the recorded span, rounded out to whole minutes.
  const [span] = await rows(db, `SELECT from_time, to_time FROM candle_invalidations`);
  await refresh(new Date(Math.floor(span.from_time.getTime() / 60_000) * 60_000), new Date(Math.floor(span.to_time.getTime() / 60_000) * 60_000 + 60_000));

  assert.equal(afterPolicy, '100.00');
  assert.equal(await close(), '104.00');
});
