import type Database from 'better-sqlite3';
import { migrate, openDurableDatabase } from '@strife/sqlite';
import { MIGRATIONS } from './schema';

/**
 * Opens (creating if needed) the SQLite file at `path`, or an in-memory database for
 * `':memory:'`, configured for a ledger: WAL, `synchronous=FULL` so a committed transaction (a
 * YES vote, a commit) survives power loss, foreign keys on, and every INTEGER read as a bigint so
 * money never passes through a JS number. The schema is migrated before this returns; a file
 * written by a newer build is refused (`SchemaTooNew` from `@strife/sqlite`) and left as it is.
 */
export function openDatabase(path: string): Database.Database {
  const db = openDurableDatabase(path, { safeIntegers: true });
  try {
    migrate(db, MIGRATIONS, { name: `ledger ${path}` });
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
