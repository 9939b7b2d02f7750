import fc from 'fast-check';
import { type Backoff, backoffDelay } from '../src';

const DEFAULT_BACKOFF: Backoff = { initialMs: 5000, maxMs: 60_000 };

describe('backoffDelay', () => {
  const low = () => 0;
  const high = () => 0.999999;

  it('waits exactly the initial delay before the first retry', () => {
    expect(backoffDelay(1, DEFAULT_BACKOFF, low)).toBe(5000);
    expect(backoffDelay(1, DEFAULT_BACKOFF, high)).toBe(5000);
  });

  it('doubles up to the cap, scaled by a factor in [0.5, 1)', () => {
    const options = { initialMs: 1000, maxMs: 60_000 };
    expect([2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, options, high))).toEqual([
      2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000,
    ]);
    expect([2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, options, low))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
  });

  it('stays within [initial, max] for any attempt count and random draw', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (failures, initialMs, extra, r) => {
          const options = { initialMs, maxMs: initialMs + extra };
          const delay = backoffDelay(failures, options, () => r);
          return delay >= initialMs && delay <= options.maxMs && Number.isInteger(delay);
        },
      ),
    );
  });
});
