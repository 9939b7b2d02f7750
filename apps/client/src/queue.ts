import type Database from 'better-sqlite3';
import { migrate, type Migration, openDurableDatabase, storageFailureOf } from '@strife/sqlite';

/** A payment waiting in the local queue for the gateway. */
export interface QueuedPayment {
  /** Who queued it: only this user's session may send it (keys are scoped to the user). */
  readonly username: string;
  readonly key: string;
  /** Payee, `BANK:ACCOUNT_NO`. */
  readonly to: string;
  /** Minor units. */
  readonly amount: bigint;
  readonly queuedAt: number;
  /** Sends tried so far. */
  readonly attempts: number;
  /** Epoch ms of the next try; stored so the schedule survives restarts. */
  readonly nextAttemptAt: number;
  readonly lastError: string | undefined;
}

/** A payment's final outcome, kept after it leaves the queue. */
export interface Outcome {
  readonly username: string;
  readonly key: string;
  readonly to: string;
  readonly amount: bigint;
  readonly status: 'COMMITTED' | 'ABORTED';
  readonly txid: bigint | undefined;
  readonly reason: string;
  /** The gRPC status name when the gateway refused the request itself (no 2PC ran). */
  readonly errorCode: string | undefined;
  readonly queuedAt: number;
  readonly finishedAt: number;
}

export type EnqueueResult =
  | { readonly state: 'added' | 'present'; readonly payment: QueuedPayment }
  /** The key is already queued for a different payee or amount. */
  | { readonly state: 'mismatch'; readonly payment: QueuedPayment };

interface QueuedRow {
  username: string;
  key: string;
  to_account: string;
  amount: string;
  queued_at: number;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
}

interface OutcomeRow {
  username: string;
  key: string;
  to_account: string;
  amount: string;
  status: 'COMMITTED' | 'ABORTED';
  txid: string | null;
  reason: string;
  error_code: string | null;
  queued_at: number;
  finished_at: number;
}

/**
 * The queue's schema steps (`migrate` in `@strife/sqlite`); append, never edit. Step 1 is the
 * schema of every queue.db written before versioning, kept IF NOT EXISTS so that a user's
 * existing file upgrades in place (test/queue.test.ts opens one).
 */
const QUEUE_MIGRATIONS: readonly Migration[] = [
  `
CREATE TABLE IF NOT EXISTS queued (
  username TEXT NOT NULL,
  key TEXT NOT NULL,
  to_account TEXT NOT NULL,
  amount TEXT NOT NULL,
  queued_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT,
  PRIMARY KEY (username, key)
) STRICT;
CREATE INDEX IF NOT EXISTS queued_due ON queued (next_attempt_at);
CREATE TABLE IF NOT EXISTS outcomes (
  username TEXT NOT NULL,
  key TEXT NOT NULL,
  to_account TEXT NOT NULL,
  amount TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('COMMITTED', 'ABORTED')),
  txid TEXT,
  reason TEXT NOT NULL,
  error_code TEXT,
  queued_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  PRIMARY KEY (username, key)
) STRICT;
`,
];

/**
 * The durable offline queue and the outcomes of payments that left it, in one SQLite file.
 * WAL with `synchronous=FULL`: a payment is on disk before its first send, so a crash or a dead
 * gateway never loses it. `strife pay` and the daemon may use the file at once (WAL plus a busy
 * timeout); they may even send the same key together, which is safe because the gateway is
 * idempotent per key and both record the same outcome.
 */
export class PaymentQueue {
  private constructor(
    private readonly db: Database.Database,
    private readonly beforeCommit: () => void,
  ) {}

  /**
   * Opens (creating or upgrading if needed) the queue at `file`, readable by its owner only.
   * `beforeCommit` runs inside each enqueue just before it commits (fault injection: a throw
   * fails it as a disk error would, and nothing is queued).
   * @throws SchemaTooNew (from `@strife/sqlite`) for a file written by a newer strife.
   */
  static open(file: string, beforeCommit: () => void = () => undefined): PaymentQueue {
    // Private before WAL mode: SQLite gives the -wal and -shm files the main file's mode.
    const db = openDurableDatabase(file, { mode: 0o600 });
    try {
      migrate(db, QUEUE_MIGRATIONS, { name: file });
    } catch (err) {
      db.close();
      throw err;
    }
    return new PaymentQueue(db, beforeCommit);
  }

  /**
   * Queues a payment before its first send, due `firstRetryAt` if that send fails. A key already
   * queued for this user is left as it is ('present'), or reported as a 'mismatch' when the
   * payee or amount differ.
   * @throws StorageFailure when the file cannot be written (nothing is queued).
   */
  enqueue(
    payment: Pick<QueuedPayment, 'username' | 'key' | 'to' | 'amount'>,
    now: number,
    firstRetryAt: number,
  ): EnqueueResult {
    try {
      return this.enqueueNow(payment, now, firstRetryAt);
    } catch (err) {
      throw storageFailureOf(err, 'the offline queue');
    }
  }

  private enqueueNow(
    payment: Pick<QueuedPayment, 'username' | 'key' | 'to' | 'amount'>,
    now: number,
    firstRetryAt: number,
  ): EnqueueResult {
    return this.db
      .transaction((): EnqueueResult => {
        const existing = this.get(payment.username, payment.key);
        if (existing) {
          const same = existing.to === payment.to && existing.amount === payment.amount;
          return { state: same ? 'present' : 'mismatch', payment: existing };
        }
        this.db
          .prepare(
            `INSERT INTO queued (username, key, to_account, amount, queued_at, next_attempt_at)
             VALUES (?, ?, ?, ?, ?, ?)`,
          )
          .run(
            payment.username,
            payment.key,
            payment.to,
            payment.amount.toString(),
            now,
            firstRetryAt,
          );
        this.beforeCommit();
        return { state: 'added', payment: this.mustGet(payment.username, payment.key) };
      })
      .immediate();
  }

  get(username: string, key: string): QueuedPayment | undefined {
    const row = this.db
      .prepare<[string, string], QueuedRow>('SELECT * FROM queued WHERE username = ? AND key = ?')
      .get(username, key);
    return row && toQueued(row);
  }

  /** Every queued payment, oldest first. */
  list(): QueuedPayment[] {
    return this.db
      .prepare<[], QueuedRow>('SELECT * FROM queued ORDER BY queued_at, key')
      .all()
      .map(toQueued);
  }

  /** Queued payments whose next try is due at `now`, the most overdue first. */
  due(now: number): QueuedPayment[] {
    return this.db
      .prepare<[number], QueuedRow>(
        'SELECT * FROM queued WHERE next_attempt_at <= ? ORDER BY next_attempt_at, queued_at',
      )
      .all(now)
      .map(toQueued);
  }

  /**
   * Counts a failed send and schedules the next: `delayAfter(attempts)` ms from `now`. Returns
   * the updated payment, or undefined if it has left the queue meanwhile (another process
   * delivered it).
   */
  recordFailure(
    username: string,
    key: string,
    error: string,
    now: number,
    delayAfter: (attempts: number) => number,
  ): QueuedPayment | undefined {
    return this.db
      .transaction(() => {
        const current = this.get(username, key);
        if (!current) return undefined;
        const attempts = current.attempts + 1;
        this.db
          .prepare(
            `UPDATE queued SET attempts = ?, next_attempt_at = ?, last_error = ?
             WHERE username = ? AND key = ?`,
          )
          .run(attempts, now + delayAfter(attempts), error, username, key);
        return this.get(username, key);
      })
      .immediate();
  }

  /** Brings every try scheduled after `latest` forward to `latest` (a retrier's cap). */
  capWaits(latest: number): void {
    this.db
      .prepare('UPDATE queued SET next_attempt_at = ? WHERE next_attempt_at > ?')
      .run(latest, latest);
  }

  /** Makes all of `username`'s queued payments due at `now` (they waited for a login). */
  wake(username: string, now: number): void {
    this.db
      .prepare('UPDATE queued SET next_attempt_at = ? WHERE username = ? AND next_attempt_at > ?')
      .run(now, username, now);
  }

  /** Records a final outcome and takes the payment off the queue, atomically. */
  complete(outcome: Outcome): void {
    this.db
      .transaction(() => {
        this.db
          .prepare('DELETE FROM queued WHERE username = ? AND key = ?')
          .run(outcome.username, outcome.key);
        this.db
          .prepare(
            `INSERT OR REPLACE INTO outcomes (username, key, to_account, amount, status, txid,
               reason, error_code, queued_at, finished_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            outcome.username,
            outcome.key,
            outcome.to,
            outcome.amount.toString(),
            outcome.status,
            outcome.txid?.toString() ?? null,
            outcome.reason,
            outcome.errorCode ?? null,
            outcome.queuedAt,
            outcome.finishedAt,
          );
      })
      .immediate();
  }

  /** The recorded outcome of `username`'s payment `key`, if it has one. */
  outcome(username: string, key: string): Outcome | undefined {
    const row = this.db
      .prepare<[string, string], OutcomeRow>(
        'SELECT * FROM outcomes WHERE username = ? AND key = ?',
      )
      .get(username, key);
    return row && toOutcome(row);
  }

  close(): void {
    this.db.close();
  }

  private mustGet(username: string, key: string): QueuedPayment {
    const found = this.get(username, key);
    if (!found) throw new Error(`queued payment ${key} vanished inside its transaction`);
    return found;
  }
}

function toQueued(row: QueuedRow): QueuedPayment {
  return {
    username: row.username,
    key: row.key,
    to: row.to_account,
    amount: BigInt(row.amount),
    queuedAt: row.queued_at,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error ?? undefined,
  };
}

function toOutcome(row: OutcomeRow): Outcome {
  return {
    username: row.username,
    key: row.key,
    to: row.to_account,
    amount: BigInt(row.amount),
    status: row.status,
    txid: row.txid === null ? undefined : BigInt(row.txid),
    reason: row.reason,
    errorCode: row.error_code ?? undefined,
    queuedAt: row.queued_at,
    finishedAt: row.finished_at,
  };
}
