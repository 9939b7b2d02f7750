import { RequestInFlight } from '@strife/domain';
import { IdempotencyKeys, type Stored, type Timer } from '../src';

describe('IdempotencyKeys with its own timer', () => {
  it('times a waiting retry with it, and reads the clock it is given', async () => {
    let now = 0;
    const armed: { ms: number; wake: () => void; cancelled: boolean }[] = [];
    const timer: Timer = (ms, wake) => {
      const entry = { ms, wake, cancelled: false };
      armed.push(entry);
      return () => {
        entry.cancelled = true;
      };
    };
    const stored: Stored<string> = { state: 'KNOWN', fingerprint: {}, outcome: undefined };
    const keys = new IdempotencyKeys<string>({
      find: () => Promise.resolve(stored),
      waitMs: 100,
      pollMs: 30,
      now: () => now,
      timer,
    });
    const claim = keys.claim('u', 'k', {}, () => Promise.resolve(false));
    // Nothing moves until the given timer fires: no Node timer is armed.
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      const next = armed.at(-1);
      if (next === undefined) throw new Error('no wait armed');
      expect(next.ms).toBe(Math.min(30, 100 - now));
      now += next.ms;
      next.wake();
    }
    await expect(claim).rejects.toThrow(RequestInFlight);
    expect(armed.every((t) => t.cancelled)).toBe(true);
  });
});
