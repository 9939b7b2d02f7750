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
}

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
}

export interface Settings {
  readonly prepareMs: number;
  readonly ackMs: number;
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
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
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
  };
}
