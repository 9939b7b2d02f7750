import { chmodSync, closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';

export interface OpenDurableOptions {
  /** Read every INTEGER as a bigint, so money and ids never pass through a JS number. */
  readonly safeIntegers?: boolean;
  /**
   * File permissions (e.g. `0o600` for a file only its owner may read), applied before SQLite
   * opens the file and so before its `-wal` and `-shm` files exist, which SQLite then creates
   * with the same permissions. An existing file is changed to this mode too. Default: leave
   * the mode to the process's umask. Ignored for `':memory:'`.
   */
  readonly mode?: number;
}

/**
 * Opens (creating if needed) the SQLite file at `path`, or a private in-memory database for
 * `':memory:'`, the way every Strife store needs it: WAL with `synchronous=FULL`, so a committed
 * transaction survives power loss; foreign keys on; a 5 s busy timeout for files that several
 * processes share.
 */
export function openDurableDatabase(
  path: string,
  options: OpenDurableOptions = {},
): Database.Database {
  if (options.mode !== undefined && path !== ':memory:') {
    closeSync(openSync(path, 'a', options.mode));
    chmodSync(path, options.mode);
  }
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    if (options.safeIntegers === true) db.defaultSafeIntegers(true);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
