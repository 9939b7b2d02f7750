import type Database from 'better-sqlite3';
import { formatAmount, Internal, MAX_BALANCE } from '@strife/domain';
import type { Migration } from '@strife/sqlite';

/**
 * Version 1: accounts, account requests and the participant log. Released; never edit it.
 */
const V1_BOOKS = `
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
`;

/**
 * Version 2: credits are reserved at Prepare (`incoming`, the sum of the account's PREPARED
 * credits and incoming transfers), bounded with the balance by MAX_BALANCE (10^15, written out
 * because a released step must not change with a constant; test/bounds.test.ts checks they
 * agree), so a YES vote can always be committed; and the `transfer` leg, whose payee is
 * `to_account_no`. SQLite cannot change a CHECK constraint, so the legs table is rebuilt (no
 * other table refers to it) with every version-1 CHECK kept.
 */
const V2_RESERVE_AND_TRANSFER = `
  ALTER TABLE accounts ADD COLUMN incoming INTEGER NOT NULL DEFAULT 0
    CHECK (typeof(incoming) = 'integer' AND incoming >= 0
           AND balance + incoming <= 1000000000000000);
  UPDATE accounts SET incoming = (
    SELECT COALESCE(SUM(amount), 0) FROM legs
    WHERE legs.account_no = accounts.account_no AND leg = 'credit' AND state = 'PREPARED'
  );

  CREATE TABLE legs_v2 (
    key           TEXT PRIMARY KEY,
    seq           INTEGER NOT NULL UNIQUE,
    txid          INTEGER NOT NULL CHECK (txid > 0),
    leg           TEXT NOT NULL CHECK (leg IN ('debit', 'credit', 'transfer')),
    -- The account the leg is at; for a transfer, the payer.
    account_no    TEXT,
    -- A transfer's payee; NULL for every other leg and for tombstones.
    to_account_no TEXT,
    amount        INTEGER,
    state         TEXT NOT NULL CHECK (state IN ('PREPARED', 'COMMITTED', 'ABORTED')),
    vote_reason   TEXT,
    vote_detail   TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    CHECK (key = txid || '-' || leg),
    CHECK ((account_no IS NULL) = (amount IS NULL)),
    CHECK (account_no IS NOT NULL OR state = 'ABORTED'),
    CHECK (vote_reason IS NULL OR (state = 'ABORTED' AND vote_detail IS NOT NULL)),
    CHECK (vote_reason IS NOT NULL OR amount IS NULL OR amount > 0),
    CHECK ((to_account_no IS NOT NULL) = (leg = 'transfer' AND account_no IS NOT NULL)),
    CHECK (vote_reason IS NOT NULL OR to_account_no IS NULL OR to_account_no <> account_no)
  );
  INSERT INTO legs_v2 (key, seq, txid, leg, account_no, to_account_no, amount, state,
                       vote_reason, vote_detail, created_at, updated_at)
    SELECT key, seq, txid, leg, account_no, NULL, amount, state,
           vote_reason, vote_detail, created_at, updated_at
    FROM legs;
  DROP TABLE legs;
  ALTER TABLE legs_v2 RENAME TO legs;
  CREATE INDEX legs_by_account ON legs (account_no, seq);
  CREATE INDEX legs_by_payee ON legs (to_account_no, seq) WHERE to_account_no IS NOT NULL;
  CREATE INDEX legs_prepared ON legs (created_at, seq) WHERE state = 'PREPARED';
`;

/**
 * Version 1 accepted balances up to int64 and did not reserve credits. Books past the new bound
 * cannot be carried over silently: refuse the upgrade (nothing changes) and say which account.
 */
function refuseBooksPastTheBound(db: Database.Database): void {
  const over = db
    .prepare<[], { account_no: string; balance: bigint; pending: number }>(
      `SELECT account_no, balance, pending FROM (
         SELECT account_no, balance,
                (SELECT TOTAL(amount) FROM legs
                 WHERE legs.account_no = accounts.account_no
                   AND leg = 'credit' AND state = 'PREPARED') AS pending
         FROM accounts)
       WHERE balance + pending > ${MAX_BALANCE} LIMIT 1`,
    )
    .get();
  if (over !== undefined) {
    throw new Internal(
      `ledger: account ${over.account_no} holds ${formatAmount(over.balance)} with ` +
        `${over.pending} minor units of prepared credits, past MAX_BALANCE ` +
        `(${formatAmount(MAX_BALANCE)}); these books cannot be upgraded without an operator`,
    );
  }
}

/**
 * The ledger's schema steps for `migrate` in `@strife/sqlite`. Append new steps, never edit a
 * released one. The CHECK constraints restate the ledger's invariants (no negative balance,
 * held within balance, balance plus incoming within MAX_BALANCE, key derived from txid and leg,
 * a payee exactly on transfers) so that a bug fails loudly instead of writing bad books; the
 * tests in test/properties.test.ts and test/bounds.test.ts guard the same rules.
 */
export const MIGRATIONS: readonly Migration[] = [
  V1_BOOKS,
  (db) => {
    refuseBooksPastTheBound(db);
    db.exec(V2_RESERVE_AND_TRANSFER);
  },
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;
