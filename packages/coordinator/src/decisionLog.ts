import type { AbortCause, Decision, Leg, Transaction } from './types';

/** Where a transaction stands in the log. `COMMIT`/`ABORT`: decided, phase 2 still running. */
export type LogState = 'INITIATED' | 'COMMIT' | 'ABORT' | 'DONE';

export interface LogRecord {
  readonly txid: bigint;
  /** Empty when the txid was decided (a presumed abort) before it was ever initiated here. */
  readonly legs: readonly Leg[];
  readonly state: LogState;
  readonly decision?: Decision;
  /** Present exactly when `decision` is `ABORT`. */
  readonly cause?: AbortCause;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly decidedAt?: number;
  readonly doneAt?: number;
}

/**
 * The coordinator's durable memory. Every method resolves only once its write is durable. The
 * interface is async so that a shared database (PostgreSQL, for several gateways) can back it;
 * `SqliteDecisionLog` is the embedded implementation.
 */
export interface DecisionLog {
  /**
   * Records the transaction as INITIATED with its legs. Idempotent and never resets anything:
   * for a txid already logged with the same legs it changes nothing (whatever its state); for
   * one logged without legs (an earlier presumed abort) it only fills in the legs; for one
   * logged with different legs it throws `TransactionMismatch`.
   */
  initiate(tx: Transaction): Promise<void>;
  /**
   * Write-once: records `decision` unless the txid already has one, and returns the decision on
   * record. Works for unknown txids, so presumed-abort answers are recorded too. An ABORT
   * without a cause is recorded as `{ kind: 'PRESUMED' }`; a COMMIT never carries a cause.
   */
  decide(txid: bigint, decision: Decision, cause?: AbortCause): Promise<Decision>;
  /** Marks a decided txid DONE (every participant acknowledged). Repeats are no-ops. */
  markDone(txid: bigint): Promise<void>;
  get(txid: bigint): Promise<LogRecord | undefined>;
  /** INITIATED without a decision, oldest txid first. */
  undecided(): Promise<LogRecord[]>;
  /** Decided but not DONE, oldest txid first. */
  unfinished(): Promise<LogRecord[]>;
  close(): Promise<void>;
}
