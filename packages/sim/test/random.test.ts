import { Random } from '../src';

describe('Random', () => {
  it('replays the same stream from the same seed', () => {
    const a = new Random(42);
    const b = new Random(42);
    const draws = (r: Random) => Array.from({ length: 100 }, () => r.u32());
    expect(draws(a)).toEqual(draws(b));
  });

  it('gives different streams for different seeds, and for forks', () => {
    const a = new Random(1);
    const b = new Random(2);
    expect(a.u32()).not.toBe(b.u32());
    const parent = new Random(7);
    const child = parent.fork();
    expect(child.u32()).not.toBe(parent.u32());
  });

  it('keeps draws in range', () => {
    const r = new Random(3);
    for (let i = 0; i < 10_000; i++) {
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
      const n = r.between(-3, 5);
      expect(Number.isInteger(n) && n >= -3 && n <= 5).toBe(true);
    }
    expect(r.chance(0)).toBe(false);
    expect(() => r.pick([])).toThrow(RangeError);
  });
});
