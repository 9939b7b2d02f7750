import { Incarnation } from '../src/engine/incarnation';
import { Random } from '../src/engine/random';
import { Scheduler } from '../src/engine/scheduler';
import { Stats } from '../src/engine/stats';
import { Trace } from '../src/engine/trace';
import { Network, type NetworkFaults } from '../src/net/network';

const CALM: NetworkFaults = {
  lossRate: 0,
  duplicateRate: 0,
  minDelayMs: 1,
  maxDelayMs: 10,
  spikeRate: 0,
  spikeMaxMs: 10,
};

function network(faults: Partial<NetworkFaults> = {}) {
  const scheduler = new Scheduler();
  const stats = new Stats();
  const net = new Network(scheduler, new Random(1), new Trace(false, () => scheduler.now), stats, {
    ...CALM,
    ...faults,
  });
  const run = () => {
    while (scheduler.step());
  };
  return { net, stats, run };
}

describe('Network', () => {
  const a = new Incarnation('a', 1);

  it('delivers within the delay bounds, and reorders', () => {
    const { net, run } = network();
    const got: number[] = [];
    for (let i = 0; i < 50; i++) net.send(a, 'b', undefined, () => got.push(i));
    run();
    expect([...got].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(got).not.toEqual([...got].sort((x, y) => x - y));
  });

  it('cuts partitioned pairs both ways, until mended', () => {
    const { net, run } = network();
    const got: string[] = [];
    net.cut('a', 'b');
    net.send(a, 'b', undefined, () => got.push('a→b'));
    net.send(new Incarnation('b', 1), 'a', undefined, () => got.push('b→a'));
    net.send(a, 'c', undefined, () => got.push('a→c'));
    run();
    net.mend('a', 'b');
    net.send(a, 'b', undefined, () => got.push('a→b again'));
    run();
    expect(got).toEqual(['a→c', 'a→b again']);
  });

  it('loses and duplicates messages at the given rates', () => {
    const { net, stats, run } = network({ lossRate: 0.3, duplicateRate: 0.3 });
    let arrived = 0;
    for (let i = 0; i < 1000; i++) net.send(a, 'b', undefined, () => (arrived += 1));
    run();
    const counts = stats.snapshot();
    expect(counts['messages lost']).toBeGreaterThan(200);
    expect(counts['messages duplicated']).toBeGreaterThan(100);
    expect(arrived).toBe(
      1000 - (counts['messages lost'] ?? 0) + (counts['messages duplicated'] ?? 0),
    );
  });

  it('sends nothing for a dead sender', () => {
    const { net, run } = network();
    const dead = new Incarnation('d', 1);
    dead.kill();
    let arrived = false;
    net.send(dead, 'b', undefined, () => (arrived = true));
    run();
    expect(arrived).toBe(false);
  });
});
