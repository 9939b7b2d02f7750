import type Database from 'better-sqlite3';
import { GroupCommit, openDurableDatabase } from '@strife/sqlite';
import type { Fingerprint, KeyRecord, KeyState } from './record';
import type { IdempotencyStore } from './store';

interface Row {
  scope: string;
  key: string;
  fingerprint: string;
  state: KeyState;
  outcome: string | null;
  recovery_point: string | null;
  created_at: number;
  updated_at: number;
  expires_at: number | null;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS idempotency_keys (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('IN_FLIGHT', 'DONE')),
    outcome TEXT,
    recovery_point TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    expires_at INTEGER,
    PRIMARY KEY (scope, key)
  );
  CREATE INDEX IF NOT EXISTS idempotency_keys_expiry ON idempotency_keys (expires_at) WHERE state = 'DONE';
  CREATE INDEX IF NOT EXISTS idempotency_keys_in_flight ON idempotency_keys (created_at) WHERE state = 'IN_FLIGHT';
`;

/**
 * The embedded store: better-sqlite3 in WAL mode with `synchronous=FULL`. Writes go through a
 * `GroupCommit`, so the keys claimed and completed in one turn of the event loop share one
 * transaction and one fsync; each promise settles once its write is durable.
 */
export class SqliteIdempotencyStore implements IdempotencyStore {
  private readonly statements;

  private constructor(
    private readonly db: Database.Database,
    private readonly commits: GroupCommit,
    private readonly ownsDb: boolean,
  ) {
    db.exec(SCHEMA);
    const read = (sql: string) => db.prepare<unknown[], Row>(sql).safeIntegers(false);
    this.statements = {
      insert: db.prepare<[string, string, string, string | null, number, number]>(
        `INSERT INTO idempotency_keys (scope, key, fingerprint, state, recovery_point, created_at, updated_at)
         VALUES (?, ?, ?, 'IN_FLIGHT', ?, ?, ?) ON CONFLICT DO NOTHING`,
      ),
      get: read('SELECT * FROM idempotency_keys WHERE scope = ? AND key = ?'),
      setRecoveryPoint: db.prepare<[string, number, string, string]>(
        `UPDATE idempotency_keys SET recovery_point = ?, updated_at = ?
         WHERE scope = ? AND key = ? AND state = 'IN_FLIGHT'`,
      ),
      complete: db.prepare<[string, number, number, string, string]>(
        `UPDATE idempotency_keys SET state = 'DONE', outcome = ?, updated_at = ?, expires_at = ?
         WHERE scope = ? AND key = ? AND state = 'IN_FLIGHT'`,
      ),
      release: db.prepare<[string, string]>(
        `DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND state = 'IN_FLIGHT'`,
      ),
      inFlight: read(
        `SELECT * FROM idempotency_keys WHERE state = 'IN_FLIGHT' ORDER BY created_at`,
      ),
      deleteExpired: db.prepare<[number]>(
        `DELETE FROM idempotency_keys WHERE state = 'DONE' AND expires_at < ?`,
      ),
    };
  }

  /** Opens (creating if needed) the store at `path`; `:memory:` works for tests. */
  static open(path: string): SqliteIdempotencyStore {
    const db = openDurableDatabase(path);
    return new SqliteIdempotencyStore(db, new GroupCommit(db), true);
  }

  /**
   * The store in its own table of a connection that other stores share, writing through their
   * common `commits`, so one fsync covers all their writes of a turn. `close` leaves the
   * connection open.
   */
  static attach(db: Database.Database, commits: GroupCommit): SqliteIdempotencyStore {
    return new SqliteIdempotencyStore(db, commits, false);
  }

  insertIfAbsent(
    scope: string,
    key: string,
    fingerprint: Fingerprint,
    now: Date,
    recoveryPoint?: string,
  ): Promise<{ record: KeyRecord; inserted: boolean }> {
    const at = now.getTime();
    return this.commits.write(() => {
      const { changes } = this.statements.insert.run(
        scope,
        key,
        JSON.stringify(fingerprint),
        recoveryPoint ?? null,
        at,
        at,
      );
      return {
        record: toRecord(required(this.statements.get.get(scope, key))),
        inserted: changes === 1,
      };
    });
  }

  get(scope: string, key: string): Promise<KeyRecord | undefined> {
    const row = this.statements.get.get(scope, key);
    return Promise.resolve(row && toRecord(row));
  }

  setRecoveryPoint(scope: string, key: string, recoveryPoint: string, now: Date): Promise<void> {
    return this.commits.write(() => {
      this.statements.setRecoveryPoint.run(recoveryPoint, now.getTime(), scope, key);
    });
  }

  complete(
    scope: string,
    key: string,
    outcome: string,
    now: Date,
    expiresAt: Date,
  ): Promise<KeyRecord> {
    return this.commits.write(() => {
      this.statements.complete.run(outcome, now.getTime(), expiresAt.getTime(), scope, key);
      return toRecord(required(this.statements.get.get(scope, key)));
    });
  }

  release(scope: string, key: string): Promise<void> {
    return this.commits.write(() => {
      this.statements.release.run(scope, key);
    });
  }

  inFlight(): Promise<KeyRecord[]> {
    return Promise.resolve(this.statements.inFlight.all().map(toRecord));
  }

  deleteExpired(now: Date): Promise<number> {
    return this.commits.write(() => this.statements.deleteExpired.run(now.getTime()).changes);
  }

  /** Commits the writes still queued; closes the connection if `open` made it. */
  close(): Promise<void> {
    if (this.db.open) {
      this.commits.flush();
      if (this.ownsDb) this.db.close();
    }
    return Promise.resolve();
  }
}

function required(row: Row | undefined): Row {
  if (!row) throw new Error('idempotency key vanished inside its own transaction');
  return row;
}

function toRecord(row: Row): KeyRecord {
  return {
    scope: row.scope,
    key: row.key,
    fingerprint: JSON.parse(row.fingerprint) as Fingerprint,
    state: row.state,
    outcome: row.outcome ?? undefined,
    recoveryPoint: row.recovery_point ?? undefined,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    expiresAt: row.expires_at === null ? undefined : new Date(row.expires_at),
  };
}
