import { InvalidArgument } from '@strife/domain';
import { systemClock, type Clock } from './clock';
import type { DecisionLog } from './decisionLog';
import type { CoordinatorEvent } from './events';
import type { Participant } from './types';

export interface CoordinatorTimeouts {
  /** How long phase 1 waits for every vote before aborting with TIMEOUT. Default 5000 ms. */
  readonly prepareMs?: number;
  /**
   * How long one Commit/Abort attempt may go unanswered before it counts as unacknowledged and
   * is retried (its signal is aborted). Default 5000 ms.
   */
  readonly ackMs?: number;
  /** Delay before the first re-send of an unacknowledged Commit/Abort. Default 100 ms. */
  readonly retryInitialMs?: number;
  /** The re-send delay doubles per attempt up to this cap (then jitter scales it). Default 5000 ms. */
  readonly retryMaxMs?: number;
  /**
   * The cap instead of `retryMaxMs` once a participant has refused a Commit/Abort (lost books or a
   * bug: see the REFUSED event). Default 60000 ms.
   */
  readonly refusedRetryMaxMs?: number;
  /** How often the leases of the transactions this coordinator works on are renewed. Default 1000 ms. */
  readonly renewMs?: number;
  /** How often `start` looks for orphaned transactions to take over. Default 1000 ms. */
  readonly takeOverMs?: number;
}

/** A point in the protocol where the coordinator awaits `CoordinatorOptions.checkpoint`. */
export type Checkpoint =
  /** INITIATED is durable; no Prepare has been sent. */
  | 'INITIATED'
  /** Every vote is in (or phase 1 failed); the decision is not written yet. */
  | 'VOTED'
  /** The decision is durable; no phase-2 message has been sent. */
  | 'DECIDED'
  /** One participant acknowledged the decision for one leg. */
  | 'ACKED';

export interface CoordinatorOptions {
  /** Durable decision log. The caller owns it: `Coordinator.close` does not close it. */
  readonly log: DecisionLog;
  /** Looks a participant up by the `participant` name in a leg; undefined if unknown. */
  readonly participants: (name: string) => Participant | undefined;
  readonly timeouts?: CoordinatorTimeouts;
  /** Default: the system clock (`Date.now` and Node timers). */
  readonly clock?: Clock;
  /** Jitter source, uniform in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
  /**
   * Called synchronously for every event. Must not throw: an exception from it is re-thrown
   * asynchronously (an uncaught exception) so that it cannot cut a transaction's steps short.
   * Default: none.
   */
  readonly onEvent?: (event: CoordinatorEvent) => void;
  /**
   * Awaited at each `Checkpoint` before the coordinator goes on, so that a test (failpoints) can
   * crash or stall the process exactly there. Default: none.
   */
  readonly checkpoint?: (point: Checkpoint, txid: bigint) => Promise<void>;
}

export interface Settings {
  readonly prepareMs: number;
  readonly ackMs: number;
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  readonly refusedRetryMaxMs: number;
  readonly renewMs: number;
  readonly takeOverMs: number;
  readonly clock: Clock;
  readonly random: () => number;
}

function positive(field: string, value: number | undefined, fallback: number): number {
  const ms = value ?? fallback;
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new InvalidArgument(`timeouts.${field}`, 'must be a positive number of milliseconds');
  }
  return ms;
}

/** Applies the defaults and checks the timeouts, naming the first bad one. */
export function settingsFrom(options: CoordinatorOptions): Settings {
  const t = options.timeouts ?? {};
  const retryInitialMs = positive('retryInitialMs', t.retryInitialMs, 100);
  const retryMaxMs = positive('retryMaxMs', t.retryMaxMs, 5000);
  if (retryMaxMs < retryInitialMs) {
    throw new InvalidArgument('timeouts.retryMaxMs', 'must not be below retryInitialMs');
  }
  return {
    prepareMs: positive('prepareMs', t.prepareMs, 5000),
    ackMs: positive('ackMs', t.ackMs, 5000),
    retryInitialMs,
    retryMaxMs,
    refusedRetryMaxMs: positive('refusedRetryMaxMs', t.refusedRetryMaxMs, 60_000),
    renewMs: positive('renewMs', t.renewMs, 1000),
    takeOverMs: positive('takeOverMs', t.takeOverMs, 1000),
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
  };
}
