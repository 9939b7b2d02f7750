import { percentile, Recorder, summarize } from '../src/stats';

describe('percentile (nearest rank)', () => {
  const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('picks the smallest value with p% at or below it', () => {
    expect(percentile(oneToHundred, 50)).toBe(50);
    expect(percentile(oneToHundred, 90)).toBe(90);
    expect(percentile(oneToHundred, 99)).toBe(99);
    expect(percentile(oneToHundred, 100)).toBe(100);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 51)).toBe(3);
  });

  it('handles one value and none', () => {
    expect(percentile([7], 1)).toBe(7);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });
});

describe('summarize', () => {
  it('sorts numerically, not as strings, and leaves its input alone', () => {
    const values = [100, 9, 20, 3];
    const s = summarize(values);
    expect(s).toEqual({ count: 4, mean: 33, p50: 9, p90: 100, p99: 100, max: 100 });
    expect(values).toEqual([100, 9, 20, 3]);
  });

  it('is all nulls when empty', () => {
    expect(summarize([])).toEqual({
      count: 0,
      mean: null,
      p50: null,
      p90: null,
      p99: null,
      max: null,
    });
  });
});

describe('Recorder', () => {
  it('counts totals always and figures only while the window is open', () => {
    const r = new Recorder();
    r.record({ kind: 'committed' }, 5);
    r.openWindow();
    r.record({ kind: 'committed' }, 10);
    r.record({ kind: 'aborted', reason: 'TIMEOUT' }, 5000);
    r.record({ kind: 'error', status: 'UNAVAILABLE' }, 1);
    r.closeWindow();
    r.record({ kind: 'committed' }, 7);
    expect(r.committedTotal).toBe(3);
    expect(r.finishedTotal).toBe(5);
    const f = r.figures();
    expect(f).toMatchObject({ committed: 1, aborted: 1, errors: 1, finished: 3 });
    expect(f.latencyCommitted.max).toBe(10);
    expect(f.latencyAll.max).toBe(5000);
    expect(f.abortsByReason).toEqual({ TIMEOUT: 1 });
    expect(f.errorsByStatus).toEqual({ UNAVAILABLE: 1 });
  });
});
