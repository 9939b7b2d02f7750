/** How retries of one kind are spaced out. */
export interface Backoff {
  /** Delay before the first retry, in ms; also the floor of every delay. */
  readonly initialMs: number;
  /** The cap on any delay, in ms. */
  readonly maxMs: number;
}

/**
 * The wait before retry number `attempt` (1 = after the first failure): `initialMs` doubled per
 * attempt up to `maxMs`, scaled by a random factor in [0.5, 1) so that many retriers do not
 * retry in lockstep, and never below `initialMs` (as Stripe's SDKs do). Every retry loop in
 * Strife — the CLI's queue, the bank's in-doubt resolver, the coordinator's phase 2 — spaces its
 * attempts with this one function.
 * @param random a source of [0, 1); default `Math.random`.
 */
export function backoffDelay(
  attempt: number,
  backoff: Backoff,
  random: () => number = Math.random,
): number {
  const doublings = Math.min(Math.max(attempt - 1, 0), 30);
  const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** doublings);
  const jittered = Math.round(ceiling * (0.5 + random() * 0.5));
  return Math.min(backoff.maxMs, Math.max(backoff.initialMs, jittered));
}
