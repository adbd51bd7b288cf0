import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { migratedDatabase, rows, scalar, timescaleScripts } from './database.js';

let db;
before(async () => {
  db = await migratedDatabase();
});
after(async () => {
  await db?.close();
});

const jobOf = async (proc) => {
  const [job] = await rows(db, `SELECT job_id, config, schedule_interval::text AS schedule FROM timescaledb_information.jobs WHERE proc_name = $1`, [proc]);
  assert.ok(job, `no ${proc} job`);
  return job;
};

const seconds = async (interval) => Number(await scalar(db, 'SELECT extract(epoch FROM $1::interval)::float8', [interval]));

test('the migrations are the common and timescale scripts in file-name order', async () => {
  const names = (await timescaleScripts()).map((s) => s.name);
  assert.deepEqual(names, [...names].sort());
  assert.equal(new Set(names.map((n) => n.slice(0, 4))).size, names.length);
  assert.ok(names.some((n) => n.includes('candles_1m')));
});

test('the server is TimescaleDB with the Timescale licence on PostgreSQL 15 or later', async () => {
  assert.equal(await scalar(db, `SELECT current_setting('timescaledb.license')`), 'timescale');
  assert.ok(Number(await scalar(db, `SELECT current_setting('server_version_num')::int`)) >= 150000);
});

test('tick_data is a hypertable in 1-day chunks', async () => {
  const [dimension] = await rows(db,
    `SELECT column_name, time_interval::text AS chunk FROM timescaledb_information.dimensions WHERE hypertable_name = 'tick_data'`);
  assert.equal(dimension.column_name, 'time');
  assert.equal(await seconds(dimension.chunk), 86400);
});

test('tick_data compresses per instrument, newest first, after one day', async () => {
  const [settings] = await rows(db,
    `SELECT segmentby, orderby FROM timescaledb_information.hypertable_compression_settings WHERE hypertable = 'tick_data'::regclass`);
  assert.equal(settings.segmentby, 'instrument_id');
  assert.equal(settings.orderby.replaceAll('"', ''), 'time DESC');
  const job = await jobOf('policy_compression');
  assert.equal(await seconds(job.config.compress_after), 86400);
});

test('raw ticks are kept for 7 days', async () => {
  const job = await jobOf('policy_retention');
  assert.equal(await seconds(job.config.drop_after), 7 * 86400);
});

test('candles_1m is a real-time continuous aggregate refreshed over at least two buckets', async () => {
  const [aggregate] = await rows(db,
    `SELECT materialized_only, hypertable_name FROM timescaledb_information.continuous_aggregates WHERE view_name = 'candles_1m'`);
  assert.equal(aggregate.materialized_only, false);
  assert.equal(aggregate.hypertable_name, 'tick_data');
  const bucket = await seconds(await scalar(db, `
    SELECT f.bucket_width::text
    FROM _timescaledb_catalog.continuous_aggs_bucket_function f
    JOIN _timescaledb_catalog.continuous_agg a ON a.mat_hypertable_id = f.mat_hypertable_id
    WHERE a.user_view_name = 'candles_1m'`));
  assert.equal(bucket, 60);
  const job = await jobOf('policy_refresh_continuous_aggregate');
  const window = (await seconds(job.config.start_offset)) - (await seconds(job.config.end_offset));
  assert.ok(window >= 2 * bucket, `refresh window ${window}s is under two buckets`);
  assert.ok(await seconds(job.schedule) <= 60);
});

test('the policy jobs run: recent minutes materialise, old chunks compress, expired chunks drop', async () => {
  await db.exec(`
    INSERT INTO tick_data (time, instrument_id, last_price, volume, oi, received_at)
    SELECT now() - INTERVAL '3 minutes', 9, 50.5, 100, NULL::bigint, now()
    UNION ALL SELECT now() - INTERVAL '2 days', 9, 49.5, 80, NULL, now()
    UNION ALL SELECT now() - INTERVAL '10 days', 9, 48.5, 60, NULL, now()`);
  const chunkCount = async () => Number(await scalar(db, `SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'tick_data'`));
  assert.equal(await chunkCount(), 3);

  await db.exec(`CALL run_job(${(await jobOf('policy_refresh_continuous_aggregate')).job_id})`);
  const materialised = await scalar(db, `
    SELECT count(*) FROM _timescaledb_internal.${await scalar(db,
      `SELECT materialization_hypertable_name FROM timescaledb_information.continuous_aggregates WHERE view_name = 'candles_1m'`)}`);
  assert.equal(Number(materialised), 1);

  await db.exec(`CALL run_job(${(await jobOf('policy_compression')).job_id})`);
  const compressed = await rows(db, `
    SELECT is_compressed, range_end < now() - INTERVAL '1 day' AS old
    FROM timescaledb_information.chunks WHERE hypertable_name = 'tick_data' ORDER BY range_start`);
  assert.deepEqual(compressed.map((c) => c.is_compressed), compressed.map((c) => c.old));
  assert.ok(compressed.some((c) => c.is_compressed));

  await db.exec(`CALL run_job(${(await jobOf('policy_retention')).job_id})`);
  assert.equal(await chunkCount(), 2);
  assert.equal(Number(await scalar(db, `SELECT count(*) FROM tick_data`)), 2);
});

test('the relations and the candles() query path have the names the postgres profile has', async () => {
  // Kept in step with SharedRelations in TradingHelper.Tests/Storage/MigrationTests.cs.
  for (const name of ['instruments', 'tick_data', 'ingest_batches', 'broker_candles', 'subscriptions',
    'backfill_jobs', 'backfill_job_items', 'feed_gaps', 'candles_1m']) {
    assert.ok(await scalar(db, 'SELECT to_regclass($1)::text', [name]), `${name} is missing`);
  }
  assert.ok(await scalar(db, `SELECT to_regprocedure('candles(integer, timestamptz, timestamptz, text)')::text`));
});

test('Storage:TickRetention replaces the retention of raw ticks', async () => {
  assert.equal(await scalar(db, `SELECT set_tick_retention('7 days')`), false);
  assert.equal(await scalar(db, `SELECT set_tick_retention('10 days')`), true);
  assert.equal(await seconds((await jobOf('policy_retention')).config.drop_after), 10 * 86400);
  assert.equal(await scalar(db, `SELECT set_tick_retention('10 days')`), false);
  assert.equal(await scalar(db, `SELECT set_tick_retention('7 days')`), true);
  assert.equal(await seconds((await jobOf('policy_retention')).config.drop_after), 7 * 86400);
});
