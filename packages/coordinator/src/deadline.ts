import { Timeout } from '@strife/domain';
import type { Clock } from './clock';

/**
 * Why a call's signal aborts once it has settled: one shared reason, because `abort()` without
 * one builds a DOMException with a stack trace each time, on every Prepare, Commit and Abort.
 */
export const SETTLED = new Error('the call has settled');

/** The caller stopped waiting (its `parent` signal aborted) before the call settled. */
class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

/**
 * Runs `call` with a signal that aborts when `ms` pass (then rejects with `Timeout`) or when
 * `parent` aborts (then rejects with `Cancelled`), whichever comes first. A call that ignores
 * its signal is abandoned, never awaited: its late answer is dropped.
 */
export function withDeadline<T>(
  call: (signal: AbortSignal) => Promise<T>,
  ms: number,
  clock: Clock,
  parent: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (parent.aborted) {
      reject(new Cancelled());
      return;
    }
    const controller = new AbortController();
    let settled = false;
    const finish = (settle: () => void): void => {
      if (settled) return;
      settled = true;
      parent.removeEventListener('abort', onParentAbort);
      controller.abort(SETTLED);
      settle();
    };
    const onParentAbort = (): void => finish(() => reject(new Cancelled()));
    parent.addEventListener('abort', onParentAbort, { once: true });
    clock.sleep(ms, controller.signal).then(
      () => finish(() => reject(new Timeout(`no answer within ${ms} ms`))),
      () => undefined,
    );
    new Promise<T>((started) => started(call(controller.signal))).then(
      (value) => finish(() => resolve(value)),
      (error: unknown) =>
        finish(() => reject(error instanceof Error ? error : new Error(String(error)))),
    );
  });
}
