import Database from 'better-sqlite3';
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

/** The embedded store: better-sqlite3 in WAL mode with `synchronous=FULL`. */
export class SqliteIdempotencyStore implements IdempotencyStore {
  private readonly db: Database.Database;
  private readonly statements;

  private constructor(db: Database.Database) {
    this.db = db;
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(SCHEMA);
    this.statements = {
      insert: db.prepare<[string, string, string, number, number]>(
        `INSERT INTO idempotency_keys (scope, key, fingerprint, state, created_at, updated_at)
         VALUES (?, ?, ?, 'IN_FLIGHT', ?, ?) ON CONFLICT DO NOTHING`,
      ),
      get: db.prepare<[string, string], Row>(
        'SELECT * FROM idempotency_keys WHERE scope = ? AND key = ?',
      ),
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
      inFlight: db.prepare<[], Row>(
        `SELECT * FROM idempotency_keys WHERE state = 'IN_FLIGHT' ORDER BY created_at`,
      ),
      deleteExpired: db.prepare<[number]>(
        `DELETE FROM idempotency_keys WHERE state = 'DONE' AND expires_at < ?`,
      ),
    };
  }

  /** Opens (creating if needed) the store at `path`; `:memory:` works for tests. */
  static open(path: string): SqliteIdempotencyStore {
    return new SqliteIdempotencyStore(new Database(path));
  }

  insertIfAbsent(
    scope: string,
    key: string,
    fingerprint: Fingerprint,
    now: Date,
  ): Promise<{ record: KeyRecord; inserted: boolean }> {
    const at = now.getTime();
    return Promise.resolve(
      this.db.transaction(() => {
        const { changes } = this.statements.insert.run(
          scope,
          key,
          JSON.stringify(fingerprint),
          at,
          at,
        );
        return {
          record: toRecord(required(this.statements.get.get(scope, key))),
          inserted: changes === 1,
        };
      })(),
    );
  }

  get(scope: string, key: string): Promise<KeyRecord | undefined> {
    const row = this.statements.get.get(scope, key);
    return Promise.resolve(row && toRecord(row));
  }

  setRecoveryPoint(scope: string, key: string, recoveryPoint: string, now: Date): Promise<void> {
    this.statements.setRecoveryPoint.run(recoveryPoint, now.getTime(), scope, key);
    return Promise.resolve();
  }

  complete(
    scope: string,
    key: string,
    outcome: string,
    now: Date,
    expiresAt: Date,
  ): Promise<KeyRecord> {
    const row = this.db.transaction(() => {
      this.statements.complete.run(outcome, now.getTime(), expiresAt.getTime(), scope, key);
      return this.statements.get.get(scope, key);
    })();
    return Promise.resolve(toRecord(required(row)));
  }

  release(scope: string, key: string): Promise<void> {
    this.statements.release.run(scope, key);
    return Promise.resolve();
  }

  inFlight(): Promise<KeyRecord[]> {
    return Promise.resolve(this.statements.inFlight.all().map(toRecord));
  }

  deleteExpired(now: Date): Promise<number> {
    return Promise.resolve(this.statements.deleteExpired.run(now.getTime()).changes);
  }

  close(): Promise<void> {
    this.db.close();
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
