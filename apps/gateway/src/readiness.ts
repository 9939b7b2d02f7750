import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay, DependencyUnavailable } from '@strife/domain';
import type { Logger } from '@strife/runtime';
import type { ServerMiddleware } from 'nice-grpc-common';

/** How start-up retries a database that cannot be reached yet: 200 ms, doubling to 10 s. */
const START_BACKOFF = { initialMs: 200, maxMs: 10_000 };

/**
 * A gate in front of every service while the gateway starts: calls get UNAVAILABLE (which
 * clients retry, or fail over to another instance) until `open`, instead of reaching a store
 * that is not prepared yet.
 */
export function readiness(): {
  readonly middleware: ServerMiddleware;
  open(): void;
  isOpen(): boolean;
  /** Draining: new calls get UNAVAILABLE again, so clients take them to another instance. */
  close(): void;
  retry<T>(work: () => Promise<T>, logger: Logger, what: string): Promise<T>;
} {
  let ready = false;
  return {
    middleware: async function* gate(call, context) {
      if (!ready) {
        throw new DependencyUnavailable('this gateway instance is not serving; try another');
      }
      return yield* call.next(call.request, context);
    },
    open() {
      ready = true;
    },
    isOpen: () => ready,
    close() {
      ready = false;
    },
    /** Runs `work` until it succeeds, backing off and logging each failure as `what`. */
    async retry(work, logger, what) {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await work();
        } catch (err) {
          const retryInMs = backoffDelay(attempt, START_BACKOFF);
          logger.warn(
            { err: err instanceof Error ? err.message : String(err), attempt, retryInMs },
            what,
          );
          await sleep(retryInMs);
        }
      }
    },
  };
}
