/** Time as the coordinator sees it; replace it in tests to control timeouts and backoff. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`; rejects as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Why an aborted sleep rejects: the signal's reason, as an Error. */
function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error('sleep aborted', { cause: reason });
}

/**
 * The real clock: `Date.now` and Node's timers. An aborted sleep rejects with the signal's
 * reason rather than a new AbortError: every settled Prepare, Commit and Abort cancels a sleep,
 * and capturing a stack trace each time was a measurable share of a busy gateway's CPU.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(abortReason(signal));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
