import { backoffDelay } from '@strife/domain';
import type { Clock } from './clock';

export interface RetryPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly clock: Clock;
  /** Uniform in [0, 1). */
  readonly random: () => number;
}

/**
 * Runs `step` until it resolves, sleeping `backoffDelay` between attempts; `capFor` may raise the
 * cap for an error that is not worth retrying often. Resolves true once it succeeded, false once
 * `signal` has aborted (a step must fail fast after that).
 */
export async function persist(
  step: () => Promise<void>,
  policy: RetryPolicy,
  signal: AbortSignal,
  onRetry: (attempt: number, delayMs: number, error: unknown) => void,
  capFor: (error: unknown) => number = () => policy.maxMs,
): Promise<boolean> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await step();
      return true;
    } catch (error) {
      if (signal.aborted) return false;
      const backoff = { initialMs: policy.initialMs, maxMs: capFor(error) };
      const delayMs = backoffDelay(attempt, backoff, policy.random);
      onRetry(attempt, delayMs, error);
      const slept = await policy.clock.sleep(delayMs, signal).then(
        () => true,
        () => false,
      );
      if (!slept) return false;
    }
  }
}
