import type { Clock } from './clock';

export interface RetryPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly clock: Clock;
  /** Uniform in [0, 1). */
  readonly random: () => number;
}

/**
 * Delay before retry number `attempt` (1-based): `initialMs` doubled per attempt up to `maxMs`,
 * then scaled by a random factor in [0.5, 1) so that retries from many transactions spread out.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy): number {
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt - 1, 52));
  return Math.round(base * (0.5 + policy.random() / 2));
}

/**
 * Runs `step` until it resolves, sleeping `backoffDelay` between attempts. Resolves true once
 * it succeeded, false once `signal` has aborted (a step must fail fast after that).
 */
export async function persist(
  step: () => Promise<void>,
  policy: RetryPolicy,
  signal: AbortSignal,
  onRetry: (attempt: number, delayMs: number, error: unknown) => void,
): Promise<boolean> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await step();
      return true;
    } catch (error) {
      if (signal.aborted) return false;
      const delayMs = backoffDelay(attempt, policy);
      onRetry(attempt, delayMs, error);
      const slept = await policy.clock.sleep(delayMs, signal).then(
        () => true,
        () => false,
      );
      if (!slept) return false;
    }
  }
}
