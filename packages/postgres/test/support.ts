import type { Pool } from 'pg';
import { openPool } from '../src';

export interface Deferred<T> {
  readonly promise: Promise<T>;
  readonly resolve: (value: T) => void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Resolves after the current turn of the event loop (and its setImmediate callbacks) ran. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A pool whose idle-connection errors fail the test instead of passing unseen. */
export function testPool(url: string, options: { max?: number } = {}): Pool {
  return openPool({
    url,
    ...options,
    onError: (error) => {
      throw error;
    },
  });
}
