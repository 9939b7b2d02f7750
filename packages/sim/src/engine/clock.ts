import type { Clock } from '@strife/coordinator';
import type { CommitScheduler } from '@strife/sqlite';
import type { Incarnation } from './incarnation';
import type { Scheduler } from './scheduler';

/** Simulated time 0, as a wall-clock time: 2024-01-01T00:00:00Z. */
export const EPOCH_MS = 1_704_067_200_000;

/** Calls `wake` after `ms`; the function it returns cancels that (the idempotency keys' timer). */
export type Timer = (ms: number, wake: () => void) => () => void;

/** Why an aborted sleep rejects: the signal's reason, as an Error (as `systemClock` does). */
export function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error('sleep aborted', { cause: reason });
}

/** What happens around a group-commit batch of one incarnation. */
export interface CommitHooks {
  /** Simulated fsync latency of the next batch, in ms. */
  readonly latency: () => number;
  /** Runs right after a batch committed, before its callers' continuations. */
  readonly committed: () => void;
}

/**
 * Time as one incarnation sees it: the scheduler's time plus the node's clock skew, and timers
 * that die with the incarnation. It is the coordinator's `Clock`, the idempotency keys' timer, the
 * ledger's and the decision log's `now`, and the group commit's scheduler, so nothing simulated
 * reads `Date.now` or arms a Node timer.
 */
export class NodeClock implements Clock {
  constructor(
    private readonly scheduler: Scheduler,
    private readonly life: Incarnation,
    /** How far this node's clock is ahead of true time (negative: behind), in ms. */
    private readonly skewMs: number,
  ) {}

  /** Milliseconds since the epoch on this node's clock: always a whole number. */
  readonly now = (): number => EPOCH_MS + this.scheduler.now + this.skewMs;

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const onAbort = (): void => {
        timer.cancel();
        reject(abortReason(signal));
      };
      const timer = this.scheduler.after(
        ms,
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        this.life,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  readonly timer: Timer = (ms, wake) => {
    const timer = this.scheduler.after(ms, wake, this.life);
    return () => {
      timer.cancel();
    };
  };

  /** A group commit's scheduler: batches commit after a simulated fsync, or never once dead. */
  commits(hooks: CommitHooks): CommitScheduler {
    const batch = (run: () => void) => () => {
      run();
      hooks.committed();
    };
    return {
      soon: (run) => {
        const timer = this.scheduler.after(hooks.latency(), batch(run), this.life);
        return () => {
          timer.cancel();
        };
      },
      later: (ms, run) => {
        const timer = this.scheduler.after(ms, batch(run), this.life);
        return () => {
          timer.cancel();
        };
      },
    };
  }
}
