import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { SqliteDecisionLog } from '@strife/coordinator';
import { SqliteIdempotencyStore } from '@strife/idempotency';
import { GroupCommit, openDurableDatabase } from '@strife/sqlite';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    bank TEXT NOT NULL,
    account_no TEXT,
    state TEXT NOT NULL CHECK (state IN ('PENDING', 'ACTIVE')),
    open_request_id TEXT NOT NULL,
    initial_deposit INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX IF NOT EXISTS users_account ON users (bank, account_no) WHERE account_no IS NOT NULL;
  CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES users (username),
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  CREATE TABLE IF NOT EXISTS login_failures (
    username TEXT NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS login_failures_by_user ON login_failures (username, at);
  CREATE TABLE IF NOT EXISTS payments (
    txid INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    from_account TEXT NOT NULL,
    to_account TEXT NOT NULL,
    amount INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('COMMITTED', 'ABORTED')),
    abort_reason TEXT,
    reason TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS payments_by_key ON payments (username, idempotency_key);
  CREATE INDEX IF NOT EXISTS payments_by_user ON payments (username, txid);
`;

/** The gateway's tables (users, sessions, login failures, payment history) on a new connection. */
export function openGatewayDb(path: string): Database.Database {
  const db = openDurableDatabase(path, { safeIntegers: true });
  db.exec(SCHEMA);
  return db;
}

/**
 * Everything the gateway keeps, in one SQLite file (`gateway.db`) behind one group commit: its
 * own tables, the coordinator's decision log and the idempotency keys. A payment's claim,
 * decision, history row and completion are then each one write in a transaction shared with the
 * other payments of the same turn, so the gateway pays one fsync per turn, not one per write
 * per file.
 */
export interface GatewayStores {
  readonly db: Database.Database;
  readonly commits: GroupCommit;
  readonly decisions: SqliteDecisionLog;
  readonly idempotency: SqliteIdempotencyStore;
  /** Data files of an older layout merged into `gateway.db` at this start (renamed `*.merged`). */
  readonly merged: readonly string[];
  /** Commits what is queued and closes the file. */
  close(): void;
}

/** Files from before the stores shared `gateway.db`, and the tables each held. */
const LEGACY_FILES = [
  { file: 'coordinator.db', tables: ['transactions', 'legs'] },
  { file: 'idempotency.db', tables: ['idempotency_keys'] },
] as const;

export function openGatewayStores(dataDir: string): GatewayStores {
  const db = openGatewayDb(join(dataDir, 'gateway.db'));
  const commits = new GroupCommit(db);
  const decisions = SqliteDecisionLog.attach(db, commits);
  const idempotency = SqliteIdempotencyStore.attach(db, commits);
  const merged = mergeLegacyFiles(db, dataDir);
  return {
    db,
    commits,
    decisions,
    idempotency,
    merged,
    close() {
      commits.flush();
      db.close();
    },
  };
}

/**
 * Copies the decision log and idempotency keys of an older data directory, where each had its
 * own file, into `gateway.db`, then renames the old file so it is not merged again. Without
 * this, a decided transaction whose phase 2 had not finished would be presumed aborted after an
 * upgrade while one of its legs may already be committed. Rows already present win, so a merge
 * interrupted before the rename is simply repeated.
 */
function mergeLegacyFiles(db: Database.Database, dataDir: string): string[] {
  const merged: string[] = [];
  for (const { file, tables } of LEGACY_FILES) {
    const path = join(dataDir, file);
    if (!existsSync(path)) continue;
    db.prepare('ATTACH DATABASE ? AS legacy').run(path);
    try {
      db.transaction(() => {
        for (const table of tables) {
          db.exec(`INSERT OR IGNORE INTO main.${table} SELECT * FROM legacy.${table}`);
        }
      }).immediate();
    } finally {
      db.exec('DETACH DATABASE legacy');
    }
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(path + suffix)) renameSync(path + suffix, `${path}.merged${suffix}`);
    }
    merged.push(file);
  }
  return merged;
}
