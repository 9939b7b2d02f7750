import type { GatewaySample } from '../src/metrics/gatewaySample';
import { TrafficHistory } from '../src/metrics/history';

const sample = (
  committed: number,
  aborted: number,
  fast: number,
  total: number,
): GatewaySample => ({
  committed,
  aborted,
  abortsByCause: {},
  pay: new Map([
    [0.01, fast],
    [Infinity, total],
  ]),
});

describe('the charts’ time series', () => {
  it('turns counters into rates per instance and sums the instances', () => {
    const history = new TrafficHistory();
    const first = history.record(1000, new Map([['gw1', sample(10, 1, 10, 11)]]));
    expect(first).toMatchObject({ committed: null, aborted: null, p50: null });
    const second = history.record(
      3000,
      new Map([
        ['gw1', sample(20, 1, 20, 21)],
        ['gw2', sample(5, 0, 5, 5)],
      ]),
    );
    // gw1: 10 commits in 2 s; gw2 is new, so it starts counting next time.
    expect(second).toMatchObject({ t: 3000, committed: 5, aborted: 0 });
    expect(second.p50).toBeCloseTo(5);
    const third = history.record(
      4000,
      new Map([
        ['gw1', sample(20, 1, 20, 21)],
        ['gw2', sample(9, 2, 9, 11)],
      ]),
    );
    expect(third).toMatchObject({ committed: 4, aborted: 2 });
    expect(history.points().map((p) => p.t)).toEqual([1000, 3000, 4000]);
  });

  it('counts a restarted instance from zero, and forgets points past the window', () => {
    const history = new TrafficHistory({ windowMs: 5000 });
    history.record(0, new Map([['gw1', sample(100, 0, 100, 100)]]));
    expect(history.record(1000, new Map([['gw1', sample(3, 0, 3, 3)]]))).toMatchObject({
      committed: 3,
    });
    history.record(7000, new Map());
    expect(history.points().map((p) => p.t)).toEqual([7000]);
  });
});
