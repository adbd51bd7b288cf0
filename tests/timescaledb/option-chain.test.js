import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { migratedDatabase, rows } from './database.js';

const ist = (local) => new Date(`${local}+05:30`);

// [symbol, type, strike, previous day's last tick (price, OI), this morning's ticks [(IST time, price, day volume, OI)]]
const book = [
  ['NIFTY26JAN24000CE', 'CE', 24000, ['150.00', 1000], [['09:15:10', '160.00', 100, 1100], ['09:16:20', '170.00', 300, 1300]]],
  ['NIFTY26JAN24000PE', 'PE', 24000, ['140.00', 900], [['09:15:30', '130.00', 50, 800], ['09:16:40', '125.00', 90, 700]]],
  ['NIFTY26JAN24100PE', 'PE', 24100, ['200.00', 400], [['09:15:40', '190.00', 20, 600]]],
];

// option_chain() and option_chain_minutes() read the tick_data hypertable and the candles_1m continuous aggregate.
for (const path of ['real-time', 'materialised']) {
  describe(`option chain on TimescaleDB, ${path}`, () => {
    let db;
    before(async () => {
      db = await migratedDatabase();
      for (const [symbol, type, strike, [closePrice, closeOi], morning] of book) {
        const [{ id }] = await rows(db,
          `INSERT INTO instruments (exchange, tradingsymbol, segment, instrument_type, underlying, expiry, strike, tick_size, lot_size)
           VALUES ('NFO', $1, 'NFO-OPT', $2, 'NIFTY', '2026-01-27', $3, 0.05, 75) RETURNING instrument_id AS id`, [symbol, type, strike]);
        const ticks = [['2026-01-02T15:29:00', closePrice, 5000, closeOi], ...morning.map(([t, p, v, oi]) => [`2026-01-05T${t}`, p, v, oi])];
        for (const [time, price, volume, oi] of ticks) {
          await db.query(
            `INSERT INTO tick_data (time, instrument_id, last_price, volume, oi, exchange_time, received_at)
             VALUES ($1, $2, $3::numeric, $4, $5, $1, $1)`, [ist(time), id, price, volume, oi]);
        }
      }
      if (path === 'materialised') {
        await db.exec(`CALL refresh_continuous_aggregate('candles_1m', '2026-01-01', '2026-01-06')`);
      }
    });
    after(async () => {
      await db?.close();
    });

    test('a past minute has each contract\'s last tick and the previous day\'s close and OI', async () => {
      const chain = await rows(db,
        `SELECT tradingsymbol, last_price::text, oi::int, volume::int, previous_close::text, previous_oi::int
         FROM option_chain('NIFTY', '2026-01-27', $1) ORDER BY strike, option_type`, [ist('2026-01-05T09:16:00')]);
      assert.deepEqual(chain, [
        { tradingsymbol: 'NIFTY26JAN24000CE', last_price: '160.00', oi: 1100, volume: 100, previous_close: '150.00', previous_oi: 1000 },
        { tradingsymbol: 'NIFTY26JAN24000PE', last_price: '130.00', oi: 800, volume: 50, previous_close: '140.00', previous_oi: 900 },
        { tradingsymbol: 'NIFTY26JAN24100PE', last_price: '190.00', oi: 600, volume: 20, previous_close: '200.00', previous_oi: 400 },
      ]);
    });

    test('minute by minute, PCR and max pain carry each contract\'s last candle forward', async () => {
      const minutes = await rows(db,
        `SELECT bucket, call_oi::int, put_oi::int, pcr_oi::text, max_pain::text
         FROM option_chain_minutes('NIFTY', '2026-01-27', $1, $2)`, [ist('2026-01-05T09:15:00'), ist('2026-01-05T09:17:00')]);
      assert.deepEqual(minutes.map((m) => ({ ...m, bucket: m.bucket.toISOString() })), [
        { bucket: ist('2026-01-05T09:15:00').toISOString(), call_oi: 1100, put_oi: 1400, pcr_oi: '1.2727', max_pain: '24000' },
        { bucket: ist('2026-01-05T09:16:00').toISOString(), call_oi: 1300, put_oi: 1300, pcr_oi: '1.0000', max_pain: '24000' },
      ]);
    });
  });
}
