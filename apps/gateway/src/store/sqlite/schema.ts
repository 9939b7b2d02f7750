import { DECISION_LOG_MIGRATIONS } from '@strife/coordinator/sqlite';
import type { Migration } from '@strife/sqlite';

/**
 * `gateway.db` as the release before versioned schemas left it (created with IF NOT EXISTS, so
 * a file of that release is version 0 with these tables already there). Never edit.
 */
const RELEASED_LAYOUT = `
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
 * One row per payment, keyed by (user, key): the key's record and the history row at once. An
 * in-flight key of the old layout with a txid becomes a PENDING payment (the decision log settles
 * it); one whose txid never reached the log gets that txid recorded as a presumed abort, since
 * no bank can have heard of it. Keys without a txid did nothing and are dropped. Login failures
 * become windowed counters; pruned keys leave a tombstone.
 */
const PAYMENTS_AS_KEYS = `
  CREATE TABLE payments_v2 (
    username     TEXT NOT NULL,
    idem_key     TEXT NOT NULL,
    txid         INTEGER NOT NULL UNIQUE CHECK (txid > 0),
    from_account TEXT NOT NULL,
    to_account   TEXT NOT NULL,
    amount       INTEGER NOT NULL CHECK (amount > 0),
    status       TEXT NOT NULL CHECK (status IN ('PENDING', 'COMMITTED', 'ABORTED')),
    abort_reason TEXT,
    reason       TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    decided_at   INTEGER,
    PRIMARY KEY (username, idem_key),
    CHECK ((status = 'PENDING') = (decided_at IS NULL)),
    CHECK ((status = 'ABORTED') = (abort_reason IS NOT NULL))
  );
  INSERT OR IGNORE INTO payments_v2 (username, idem_key, txid, from_account, to_account, amount,
      status, abort_reason, reason, created_at, decided_at)
    SELECT username, idempotency_key, txid, from_account, to_account, amount, status,
      CASE WHEN status = 'ABORTED' THEN COALESCE(abort_reason, 'INTERRUPTED') END, reason,
      created_at, created_at
    FROM payments ORDER BY txid DESC;
  INSERT OR IGNORE INTO payments_v2 (username, idem_key, txid, from_account, to_account, amount,
      status, created_at)
    SELECT k.scope, k.key, CAST(k.recovery_point AS INTEGER), u.bank || ':' || u.account_no,
      json_extract(k.fingerprint, '$.to'), CAST(json_extract(k.fingerprint, '$.amount') AS INTEGER),
      'PENDING', k.created_at
    FROM idempotency_keys k JOIN users u ON u.username = k.scope
    WHERE k.state = 'IN_FLIGHT' AND k.recovery_point IS NOT NULL AND u.account_no IS NOT NULL;
  INSERT INTO transactions (txid, decision, cause_kind, created_at, decided_at)
    SELECT p.txid, 'ABORT', 'PRESUMED', p.created_at, p.created_at FROM payments_v2 p
    WHERE p.status = 'PENDING' AND NOT EXISTS (SELECT 1 FROM transactions t WHERE t.txid = p.txid);
  DROP TABLE idempotency_keys;
  DROP TABLE payments;
  ALTER TABLE payments_v2 RENAME TO payments;
  CREATE INDEX payments_by_user ON payments (username, txid);
  CREATE INDEX payments_pending ON payments (txid) WHERE status = 'PENDING';
  CREATE INDEX payments_by_decision ON payments (decided_at) WHERE status <> 'PENDING';
  CREATE TABLE expired_keys (
    username   TEXT NOT NULL,
    idem_key   TEXT NOT NULL,
    expired_at INTEGER NOT NULL,
    PRIMARY KEY (username, idem_key)
  ) WITHOUT ROWID;

  DROP TABLE login_failures;
  CREATE TABLE login_buckets (
    bucket       TEXT PRIMARY KEY,
    window_start INTEGER NOT NULL,
    attempts     INTEGER NOT NULL CHECK (attempts >= 0)
  ) WITHOUT ROWID;
  CREATE INDEX sessions_by_expiry ON sessions (expires_at);
`;

/**
 * Login attempts being checked, per instance: an instance that restarts (a new incarnation under
 * the same name) no longer counts the checks its previous run never finished. From this step on
 * `login_buckets.attempts` counts failed attempts only.
 */
const LOGIN_CHECKS = `
  CREATE TABLE login_checks (
    bucket      TEXT NOT NULL,
    instance    TEXT NOT NULL,
    incarnation TEXT NOT NULL,
    checking    INTEGER NOT NULL CHECK (checking >= 0),
    since       INTEGER NOT NULL,
    PRIMARY KEY (bucket, instance)
  ) WITHOUT ROWID;
`;

/**
 * `gateway.db`'s schema, one step per release: append, never edit a released step. The decision
 * log's own steps (`@strife/coordinator/sqlite`) are part of this list, in their order.
 */
export const GATEWAY_MIGRATIONS: readonly Migration[] = [
  `${DECISION_LOG_MIGRATIONS[0] ?? ''}\n${RELEASED_LAYOUT}`,
  DECISION_LOG_MIGRATIONS[1] ?? '',
  PAYMENTS_AS_KEYS,
  LOGIN_CHECKS,
];

/** How many steps the layout of the release before versioning had: older files are merged after it. */
export const RELEASED_STEPS = 1;
