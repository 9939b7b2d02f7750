import type { LogState } from './decisionLog';
import type { AbortCause, Decision, Leg, Vote } from './types';

/**
 * What the coordinator just did, reported synchronously to `onEvent`. Events that follow a
 * durable write (INITIATED, DECIDED, DONE) are emitted right after it and before anything else
 * is written or sent, so a test can crash the process at exactly that point.
 */
export type CoordinatorEvent =
  /** The transaction is durably INITIATED; no Prepare has been sent yet. */
  | { type: 'INITIATED'; txid: bigint; legs: readonly Leg[] }
  /** A participant answered Prepare (timeouts and errors show up in DECIDED's cause). */
  | { type: 'PREPARED_VOTE'; txid: bigint; leg: Leg; vote: Vote }
  /**
   * A decision is durable and no phase-2 message has been sent. `decision` is the one on
   * record, which an earlier `resolve`/`recover` may have written (decisions never change).
   */
  | { type: 'DECIDED'; txid: bigint; decision: Decision; cause?: AbortCause }
  /** A participant acknowledged the decision for one leg. */
  | { type: 'ACKED'; txid: bigint; leg: Leg; decision: Decision }
  /**
   * A phase-2 step failed and will be retried after `delayMs`. `leg` is the leg whose
   * Commit/Abort went unacknowledged, or undefined when the DONE write itself failed.
   */
  | {
      type: 'RETRY';
      txid: bigint;
      leg: Leg | undefined;
      decision: Decision;
      attempt: number;
      delayMs: number;
      error: unknown;
    }
  /**
   * A participant refused the decision for one leg (it reports the leg unknown, or in the other
   * final state): lost books or a bug. It is re-sent every `refusedRetryMaxMs` or so until
   * acknowledged; until then `Coordinator.stuck()` lists it. Report this loudly.
   */
  | {
      type: 'REFUSED';
      txid: bigint;
      leg: Leg;
      decision: Decision;
      attempt: number;
      delayMs: number;
      error: unknown;
    }
  /** This coordinator took over an orphaned transaction (its lease had run out). */
  | { type: 'TAKEN_OVER'; txid: bigint; state: LogState }
  /** Another coordinator took over a transaction this one was driving; this one stops. */
  | { type: 'LOST'; txid: bigint }
  /** A takeover pass or a lease renewal failed (e.g. the log is unreachable); it is tried again. */
  | { type: 'MAINTENANCE_FAILED'; txid: undefined; what: 'takeover' | 'renew'; error: unknown }
  /** Every participant acknowledged and the transaction is durably DONE. */
  | { type: 'DONE'; txid: bigint; decision: Decision };
