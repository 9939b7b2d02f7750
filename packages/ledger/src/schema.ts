import type Database from 'better-sqlite3';
import { Internal } from '@strife/domain';

/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many have run. Append
 * new steps, never edit a released one. The CHECK constraints restate the ledger's invariants
 * (no negative balance, held within balance, key derived from txid and leg) so that a bug fails
 * loudly instead of writing bad books; the tests in test/properties.test.ts guard the same rules.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE accounts (
    account_no TEXT PRIMARY KEY
      CHECK (length(account_no) BETWEEN 1 AND 20 AND account_no NOT GLOB '*[^0-9]*'),
    holder     TEXT NOT NULL CHECK (length(holder) > 0),
    balance    INTEGER NOT NULL,
    held       INTEGER NOT NULL DEFAULT 0,
    open       INTEGER NOT NULL DEFAULT 1 CHECK (open IN (0, 1)),
    created_at INTEGER NOT NULL,
    CHECK (typeof(balance) = 'integer' AND typeof(held) = 'integer'),
    CHECK (balance >= 0 AND held >= 0 AND held <= balance)
  );
  -- Numeric order of account numbers, so the next number is max + 1 even past int64 digits.
  CREATE INDEX accounts_by_number ON accounts (length(ltrim(account_no, '0')), ltrim(account_no, '0'));

  CREATE TABLE account_requests (
    request_id      TEXT PRIMARY KEY,
    account_no      TEXT NOT NULL UNIQUE REFERENCES accounts (account_no),
    holder          TEXT NOT NULL,
    initial_deposit INTEGER NOT NULL,
    created_at      INTEGER NOT NULL
  );

  -- One row per leg key. seq orders legs by first arrival and never changes, so paging by it is
  -- stable while legs change state. A row without account_no is a presumed-abort tombstone.
  CREATE TABLE legs (
    key         TEXT PRIMARY KEY,
    seq         INTEGER NOT NULL UNIQUE,
    txid        INTEGER NOT NULL CHECK (txid > 0),
    leg         TEXT NOT NULL CHECK (leg IN ('debit', 'credit')),
    account_no  TEXT,
    amount      INTEGER,
    state       TEXT NOT NULL CHECK (state IN ('PREPARED', 'COMMITTED', 'ABORTED')),
    vote_reason TEXT,
    vote_detail TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    CHECK (key = txid || '-' || leg),
    CHECK ((account_no IS NULL) = (amount IS NULL)),
    CHECK (account_no IS NOT NULL OR state = 'ABORTED'),
    CHECK (vote_reason IS NULL OR (state = 'ABORTED' AND vote_detail IS NOT NULL)),
    CHECK (vote_reason IS NOT NULL OR amount IS NULL OR amount > 0)
  );
  CREATE INDEX legs_by_account ON legs (account_no, seq);
  CREATE INDEX legs_prepared ON legs (created_at, seq) WHERE state = 'PREPARED';
  `,
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the database up to `SCHEMA_VERSION`, each step in its own transaction. Throws
 * `Internal` for a database written by a newer build, which this one must not touch.
 */
export function migrate(db: Database.Database): void {
  const current = Number(db.pragma('user_version', { simple: true }));
  if (current > SCHEMA_VERSION) {
    throw new Internal(
      `ledger schema version ${current} is newer than this build understands (${SCHEMA_VERSION})`,
    );
  }
  MIGRATIONS.slice(current).forEach((sql, index) => {
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${current + index + 1}`);
    }).immediate();
  });
}
