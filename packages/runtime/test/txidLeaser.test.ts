import { DependencyUnavailable } from '@strife/domain';
import { TxIdLeaser, type IdBlock } from '../src';

/** A fake TxId service: consecutive blocks, with switchable failure and a call count. */
function fakeService() {
  let high = 0n;
  const state = { calls: 0, failing: false };
  const lease = (count: number): Promise<IdBlock> => {
    state.calls++;
    if (state.failing) return Promise.reject(new Error('connect ECONNREFUSED'));
    const block = { first: high + 1n, count };
    high += BigInt(count);
    return Promise.resolve(block);
  };
  return { lease, state };
}

describe('TxIdLeaser', () => {
  it('hands out unique increasing ids to concurrent callers with one lease per block', async () => {
    const service = fakeService();
    const leaser = new TxIdLeaser({ lease: service.lease, blockSize: 10 });
    const ids = await Promise.all(Array.from({ length: 95 }, () => leaser.next()));
    expect(new Set(ids).size).toBe(95);
    const sequential = [];
    for (let i = 0; i < 20; i++) sequential.push(await leaser.next());
    expect(sequential).toEqual([...sequential].sort((a, b) => (a < b ? -1 : 1)));
    expect(sequential[0]! > ids.reduce((a, b) => (a > b ? a : b))).toBe(true);
    expect(service.state.calls).toBeLessThanOrEqual(13);
  });

  it('fetches the next block ahead, before the current one runs out', async () => {
    const service = fakeService();
    const leaser = new TxIdLeaser({ lease: service.lease, blockSize: 8, refillBelow: 4 });
    for (let i = 0; i < 5; i++) await leaser.next();
    await Promise.resolve();
    expect(service.state.calls).toBe(2);
  });

  it('fails with DependencyUnavailable when it has no ids and cannot lease, and recovers', async () => {
    const service = fakeService();
    const leaser = new TxIdLeaser({ lease: service.lease, blockSize: 2, refillBelow: 0 });
    await leaser.next();
    await leaser.next();
    service.state.failing = true;
    await expect(leaser.next()).rejects.toBeInstanceOf(DependencyUnavailable);
    service.state.failing = false;
    await expect(leaser.next()).resolves.toBe(3n);
  });
});
