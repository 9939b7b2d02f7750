import Database from 'better-sqlite3';

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

/** The gateway's own SQLite file: users, sessions, login failures and payment history. */
export function openGatewayDb(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.defaultSafeIntegers(true);
  db.exec(SCHEMA);
  return db;
}
