/** How the retrier spaces out attempts. */
export interface BackoffOptions {
  /** Delay before the first retry, in ms; also the floor of every delay. Default 5000. */
  readonly initialMs: number;
  /** The cap on any delay, in ms. Default 60000. */
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 5000, maxMs: 60_000 };

/**
 * The wait after `failures` failed attempts (1 = the first send failed): `initialMs` doubled per
 * failure up to `maxMs`, scaled by a random factor in [0.5, 1) so many clients do not retry in
 * lockstep, and never below `initialMs` (as Stripe's SDKs do). The first retry is therefore
 * exactly `initialMs` after queuing.
 * @param random a source of [0, 1); default `Math.random`.
 */
export function backoffDelay(
  failures: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const doublings = Math.min(Math.max(failures - 1, 0), 30);
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** doublings);
  const jittered = Math.round(ceiling * (0.5 + random() * 0.5));
  return Math.min(options.maxMs, Math.max(options.initialMs, jittered));
}
