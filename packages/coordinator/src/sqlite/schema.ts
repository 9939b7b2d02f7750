/**
 * The standalone SQLite log's schema, one step per release (append, never edit). One row per
 * transaction; the CHECKs make a half-written or contradictory row impossible. Step 1 is the
 * schema files were created with before the log was versioned, so it must stay idempotent.
 */
export const DECISION_LOG_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE IF NOT EXISTS transactions (
    txid              INTEGER PRIMARY KEY CHECK (txid > 0),
    decision          TEXT CHECK (decision IN ('COMMIT', 'ABORT')),
    cause_kind        TEXT CHECK (cause_kind IN ('VOTED_NO', 'TIMEOUT', 'UNAVAILABLE', 'PRESUMED')),
    cause_participant TEXT,
    cause_reason      TEXT,
    cause_detail      TEXT,
    created_at        INTEGER NOT NULL,
    decided_at        INTEGER,
    done_at           INTEGER,
    CHECK ((decision IS NULL) = (decided_at IS NULL)),
    CHECK (CASE WHEN decision = 'ABORT' THEN cause_kind IS NOT NULL ELSE cause_kind IS NULL END),
    CHECK (done_at IS NULL OR decision IS NOT NULL)
  );
  CREATE TABLE IF NOT EXISTS legs (
    txid        INTEGER NOT NULL REFERENCES transactions (txid),
    idx         INTEGER NOT NULL,
    participant TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('debit', 'credit')),
    account     TEXT NOT NULL,
    amount      INTEGER NOT NULL CHECK (amount > 0),
    PRIMARY KEY (txid, idx)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS transactions_open ON transactions (txid) WHERE done_at IS NULL;
  `,
  // Ownership, so that several coordinators can share a log, and transfer legs (one leg moving
  // money between two accounts of one participant). A row from before has no lease: orphaned.
  `
  ALTER TABLE transactions ADD COLUMN owner TEXT;
  ALTER TABLE transactions ADD COLUMN incarnation TEXT;
  ALTER TABLE transactions ADD COLUMN lease_until INTEGER;
  CREATE INDEX transactions_leases ON transactions (lease_until) WHERE done_at IS NULL;
  CREATE TABLE legs_v2 (
    txid        INTEGER NOT NULL REFERENCES transactions (txid),
    idx         INTEGER NOT NULL,
    participant TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('debit', 'credit', 'transfer')),
    account     TEXT NOT NULL,
    to_account  TEXT,
    amount      INTEGER NOT NULL CHECK (amount > 0),
    CHECK ((kind = 'transfer') = (to_account IS NOT NULL)),
    PRIMARY KEY (txid, idx)
  ) WITHOUT ROWID;
  INSERT INTO legs_v2 (txid, idx, participant, kind, account, amount)
    SELECT txid, idx, participant, kind, account, amount FROM legs;
  DROP TABLE legs;
  ALTER TABLE legs_v2 RENAME TO legs;
  `,
];
