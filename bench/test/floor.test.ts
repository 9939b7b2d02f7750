import type { CpuUse } from '../src/cpu';
import { callCost } from '../src/floor';

function use(name: string, cpuSeconds: number | null): CpuUse {
  return { name, pid: 1, cpuSeconds, percentOfCore: null, mainThreadPercent: null };
}

describe('callCost', () => {
  it('divides each process CPU by the calls answered and bounds the rate by the cores', () => {
    const cost = callCost([use('server', 1.5), use('load generator', 2.5)], 10_000, 2);
    expect(cost.byProcess).toEqual([
      { name: 'server', ms: 0.15 },
      { name: 'load generator', ms: 0.25 },
    ]);
    expect(cost.totalMs).toBeCloseTo(0.4);
    expect(cost.ceilingPerS).toBeCloseTo(5000);
  });

  it('gives no total and no ceiling when a process could not be read', () => {
    const cost = callCost([use('server', null), use('load generator', 2)], 100, 2);
    expect(cost.byProcess[0]).toEqual({ name: 'server', ms: null });
    expect(cost.totalMs).toBeNull();
    expect(cost.ceilingPerS).toBeNull();
  });

  it('gives no cost per call when no call was answered', () => {
    const cost = callCost([use('server', 1), use('load generator', 1)], 0, 2);
    expect(cost.totalMs).toBeNull();
    expect(cost.ceilingPerS).toBeNull();
  });
});
