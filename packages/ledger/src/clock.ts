import { Internal } from '@strife/domain';

/** The current time in whole milliseconds since the epoch, as stored in the ledger. */
export type Now = () => bigint;

/** Wraps a millisecond clock; a clock that returns something other than a finite number is a bug. */
export function nowFrom(clock: () => number): Now {
  return () => {
    const ms = clock();
    if (!Number.isFinite(ms)) throw new Internal(`clock returned ${ms}`);
    return BigInt(Math.trunc(ms));
  };
}
