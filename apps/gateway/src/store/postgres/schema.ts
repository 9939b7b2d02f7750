import type { Migration } from '@strife/postgres';

/** The advisory lock that serialises migrations of the gateway's schema across instances. */
export const MIGRATION_LOCK = 0x5374_7269_6665_0001n;

/**
 * The gateway's PostgreSQL schema, one step per release: append, never edit a released step.
 * Times are bigint ms since the epoch (as in the SQLite file), money and ids are bigint, and the
 * CHECKs restate the invariants so that a bug fails loudly instead of writing bad state.
 */
export const PG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'gateway state: users, sessions, login counters, payments, decision log',
    sql: `
      CREATE TABLE users (
        username        text PRIMARY KEY,
        password_hash   text NOT NULL,
        bank            text NOT NULL,
        account_no      text,
        state           text NOT NULL CHECK (state IN ('PENDING', 'ACTIVE')),
        open_request_id text NOT NULL,
        initial_deposit bigint NOT NULL CHECK (initial_deposit >= 0),
        created_at      bigint NOT NULL
      );
      CREATE UNIQUE INDEX users_account ON users (bank, account_no) WHERE account_no IS NOT NULL;

      CREATE TABLE sessions (
        token_hash   text PRIMARY KEY,
        username     text NOT NULL REFERENCES users (username),
        created_at   bigint NOT NULL,
        last_seen_at bigint NOT NULL,
        expires_at   bigint NOT NULL,
        revoked_at   bigint
      );
      CREATE INDEX sessions_by_expiry ON sessions (expires_at);

      CREATE TABLE login_buckets (
        bucket       text PRIMARY KEY,
        window_start bigint NOT NULL,
        attempts     integer NOT NULL CHECK (attempts >= 0)
      );

      CREATE TABLE transactions (
        txid              bigint PRIMARY KEY CHECK (txid > 0),
        decision          text CHECK (decision IN ('COMMIT', 'ABORT')),
        cause_kind        text CHECK (cause_kind IN ('VOTED_NO', 'TIMEOUT', 'UNAVAILABLE', 'PRESUMED')),
        cause_participant text,
        cause_reason      text,
        cause_detail      text,
        created_at        bigint NOT NULL,
        decided_at        bigint,
        done_at           bigint,
        owner             text,
        incarnation       text,
        lease_until       bigint,
        CHECK ((decision IS NULL) = (decided_at IS NULL)),
        CHECK (CASE WHEN decision = 'ABORT' THEN cause_kind IS NOT NULL ELSE cause_kind IS NULL END),
        CHECK (done_at IS NULL OR decision IS NOT NULL)
      );
      CREATE INDEX transactions_leases ON transactions (lease_until) WHERE done_at IS NULL;

      CREATE TABLE tx_legs (
        txid        bigint NOT NULL REFERENCES transactions (txid) ON DELETE CASCADE,
        idx         integer NOT NULL,
        participant text NOT NULL,
        kind        text NOT NULL CHECK (kind IN ('debit', 'credit', 'transfer')),
        account     text NOT NULL,
        to_account  text,
        amount      bigint NOT NULL CHECK (amount > 0),
        PRIMARY KEY (txid, idx),
        CHECK ((kind = 'transfer') = (to_account IS NOT NULL))
      );

      CREATE TABLE payments (
        username     text NOT NULL,
        idem_key     text NOT NULL,
        txid         bigint NOT NULL UNIQUE CHECK (txid > 0),
        from_account text NOT NULL,
        to_account   text NOT NULL,
        amount       bigint NOT NULL CHECK (amount > 0),
        status       text NOT NULL CHECK (status IN ('PENDING', 'COMMITTED', 'ABORTED')),
        abort_reason text,
        reason       text NOT NULL DEFAULT '',
        created_at   bigint NOT NULL,
        decided_at   bigint,
        PRIMARY KEY (username, idem_key),
        CHECK ((status = 'PENDING') = (decided_at IS NULL)),
        CHECK ((status = 'ABORTED') = (abort_reason IS NOT NULL))
      );
      CREATE INDEX payments_by_user ON payments (username, txid);
      CREATE INDEX payments_by_decision ON payments (decided_at) WHERE status <> 'PENDING';

      CREATE TABLE expired_keys (
        username   text NOT NULL,
        idem_key   text NOT NULL,
        expired_at bigint NOT NULL,
        PRIMARY KEY (username, idem_key)
      );
    `,
  },
  {
    version: 2,
    name: 'login checks in flight per instance; login_buckets.attempts counts failures only',
    sql: `
      CREATE TABLE login_checks (
        bucket      text NOT NULL,
        instance    text NOT NULL,
        incarnation text NOT NULL,
        checking    integer NOT NULL CHECK (checking >= 0),
        since       bigint NOT NULL,
        PRIMARY KEY (bucket, instance)
      );
    `,
  },
];
