import { type Backoff, backoffDelay } from '@strife/domain';

/** How `pnpm start --restart` brings back a service that died. */
export interface RestartPolicy {
  /** The wait before a restart: `initialMs` after a first crash, doubling per crash up to `maxMs`. */
  readonly backoff: Backoff;
  /** Restarting gives up at this many crashes within `windowMs`. */
  readonly maxCrashes: number;
  /** How long a crash counts, in ms. */
  readonly windowMs: number;
}

/** 1 s doubling to 30 s; give up after 5 crashes within a minute. */
export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  backoff: { initialMs: 1000, maxMs: 30_000 },
  maxCrashes: 5,
  windowMs: 60_000,
};

/** What to do about a crash: restart after `delayMs`, or give up. */
export type RestartDecision =
  | { readonly action: 'restart'; readonly delayMs: number; readonly crashes: number }
  | { readonly action: 'give-up'; readonly crashes: number };

/**
 * One service's recent crashes and the decision each new one gets: the n-th crash within the
 * window waits `backoffDelay(n)` (so a service that crashes at start is not restarted in a tight
 * loop), and the `maxCrashes`-th gives up (a crash loop no restart will fix). Crashes older than
 * the window are forgotten, so a service that crashes now and then is always brought back fast.
 */
export class CrashLoop {
  private readonly crashes: number[] = [];

  constructor(
    private readonly policy: RestartPolicy = DEFAULT_RESTART_POLICY,
    /** A source of [0, 1) for the backoff's jitter. Default `Math.random`. */
    private readonly random: () => number = Math.random,
  ) {}

  /** Records a crash at `now` (ms since the epoch) and decides what to do about it. */
  crashed(now: number): RestartDecision {
    this.crashes.push(now);
    while (this.crashes.length > 0 && (this.crashes[0] ?? now) <= now - this.policy.windowMs) {
      this.crashes.shift();
    }
    const crashes = this.crashes.length;
    if (crashes >= this.policy.maxCrashes) return { action: 'give-up', crashes };
    return {
      action: 'restart',
      delayMs: backoffDelay(crashes, this.policy.backoff, this.random),
      crashes,
    };
  }
}

/** The one line a crash gets, e.g. `bank-SBI died (code 1); restarting in 2.0 s (…)`. */
export function describeCrash(
  name: string,
  how: string,
  decision: RestartDecision,
  policy: RestartPolicy = DEFAULT_RESTART_POLICY,
): string {
  const window = `${policy.windowMs / 1000} s`;
  if (decision.action === 'give-up') {
    return `${name} died (${how}): ${decision.crashes} crashes within ${window}, giving up and stopping the cluster`;
  }
  const delay = (decision.delayMs / 1000).toFixed(1);
  return `${name} died (${how}); restarting in ${delay} s (crash ${decision.crashes} within ${window}; giving up at ${policy.maxCrashes})`;
}
