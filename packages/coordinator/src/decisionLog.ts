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
 * Who is working on a transaction. Several coordinators (one per gateway instance) may share a
 * log: each transaction that is not DONE is leased to one of them, and the lease is renewed
 * while that coordinator is working on it. `name` is stable across restarts of the same
 * instance; `incarnation` is new at every start, so a restarted instance recognises what its
 * previous life held and takes it over at once instead of waiting for the lease to run out.
 */
export interface Owner {
  readonly name: string;
  readonly incarnation: string;
  /** How long a lease lasts without renewal, on the log's clock. */
  readonly leaseMs: number;
}

/**
 * The coordinator's durable memory. Every method resolves only once its write is durable. A log
 * is opened for one `Owner`: what it initiates or takes over is leased to that owner.
 */
export interface DecisionLog {
  /**
   * Records the transaction as INITIATED with its legs, leased to this log's owner. Idempotent
   * and never resets anything: for a txid already logged with the same legs it changes nothing
   * (whatever its state); for one logged without legs (an earlier presumed abort) it only fills
   * in the legs; for one logged with different legs it throws `TransactionMismatch`.
   */
  initiate(tx: Transaction): Promise<void>;
  /**
   * Write-once: records `decision` unless the txid already has one, and returns the decision on
   * record. Works for unknown txids. An ABORT without a cause is recorded as
   * `{ kind: 'PRESUMED' }`; a COMMIT never carries a cause.
   */
  decide(txid: bigint, decision: Decision, cause?: AbortCause): Promise<Decision>;
  /** Marks a decided txid DONE (every participant acknowledged). Repeats are no-ops. */
  markDone(txid: bigint): Promise<void>;
  get(txid: bigint): Promise<LogRecord | undefined>;
  /**
   * Takes over, for this log's owner, up to `limit` transactions that are not DONE and that no
   * live coordinator is working on: their lease ran out (on the log's clock), or they belong to
   * an earlier incarnation of this owner. Returns them, oldest txid first, now leased to this
   * owner. Two owners taking over at once never get the same transaction.
   */
  takeOver(limit: number): Promise<LogRecord[]>;
  /**
   * Extends this owner's lease on `txids`, and returns those of them it no longer holds (another
   * owner took them over, or they are DONE or unknown).
   */
  renew(txids: readonly bigint[]): Promise<bigint[]>;
  /**
   * Ends this owner's lease on `txids` at once, so that another coordinator takes them over
   * without waiting for the lease to run out (a coordinator stopping cleanly).
   */
  release(txids: readonly bigint[]): Promise<void>;
  close(): Promise<void>;
}
