import type { Participant } from '../src';
import { payment, world } from './harness';

describe('resolve', () => {
  it('answers ABORT for a txid never logged, and records nothing', async () => {
    const w = world();
    expect(await w.coordinator.resolve(1n)).toBe('ABORT');
    expect(await w.log.get(1n)).toBeUndefined();
    await w.coordinator.idle();
    expect(w.net.all().flatMap((p) => p.received)).toEqual([]);
  });

  it('cannot abort a future transaction: a later run of an asked-about txid commits', async () => {
    // INITIATED is durable before any Prepare, so no participant can hold a leg of a txid the
    // log has never seen: asking about one (as a bank that guesses the next txids would) gets
    // ABORT, and must change nothing for the payment that later gets that txid.
    const w = world();
    for (const txid of [2n, 3n, 4n]) expect(await w.coordinator.resolve(txid)).toBe('ABORT');
    for (const txid of [2n, 3n, 4n]) {
      expect(await w.coordinator.run(payment(txid))).toEqual({ txid, decision: 'COMMIT' });
    }
    await w.coordinator.idle();
    expect(w.net.states(payment(3n))).toEqual(['COMMITTED', 'COMMITTED']);
  });

  it('aborts an INITIATED transaction without a decision and tells every leg', async () => {
    const w = world();
    await w.log.initiate(payment(3n));
    await w.net.get('SBI').prepare(3n, payment(3n).legs[0]!, new AbortController().signal);
    expect(await w.coordinator.resolve(3n)).toBe('ABORT');
    await w.coordinator.idle();
    expect(w.net.states(payment(3n))).toEqual(['ABORTED', 'ABORTED']);
    expect((await w.log.get(3n))?.state).toBe('DONE');
  });

  it.each(['COMMIT', 'ABORT'] as const)('returns a logged %s unchanged', async (decision) => {
    const w = world();
    await w.log.initiate(payment(4n));
    await w.log.decide(4n, decision);
    const before = await w.log.get(4n);
    expect(await w.coordinator.resolve(4n)).toBe(decision);
    expect(await w.coordinator.resolve(4n)).toBe(decision);
    expect(await w.log.get(4n)).toEqual(before);
  });

  it('wins over a phase 1 still running: all-YES votes then end in ABORT at every leg', async () => {
    const w = world();
    const inner = w.net.get('SBI');
    let answer: Promise<unknown> | undefined;
    // SBI votes YES, but before its vote arrives it asks the coordinator (as a bank whose
    // timer fired would), so the presumed abort is recorded while phase 1 is in flight.
    const sbi: Participant = {
      prepare: async (txid, leg, signal) => {
        const vote = await inner.prepare(txid, leg, signal);
        answer = coordinator.resolve(txid);
        await answer;
        return vote;
      },
      commit: (txid, leg) => inner.commit(txid, leg),
      abort: (txid, leg) => inner.abort(txid, leg),
    };
    const coordinator = w.restart({
      participants: (name) => (name === 'SBI' ? sbi : w.net.lookup(name)),
    });
    const outcome = await coordinator.run(payment(5n));
    expect(await answer).toBe('ABORT');
    expect(outcome).toEqual({ txid: 5n, decision: 'ABORT', reason: { kind: 'PRESUMED' } });
    await coordinator.idle();
    expect(w.net.states(payment(5n))).toEqual(['ABORTED', 'ABORTED']);
    expect(inner.count('commit') + w.net.get('ICICI').count('commit')).toBe(0);
    expect(inner.count('abort', 5n)).toBe(1);
    expect((await w.log.get(5n))?.state).toBe('DONE');
  });

  it('rejects a txid outside 1..2^63-1', async () => {
    const w = world();
    await expect(w.coordinator.resolve(0n)).rejects.toMatchObject({ field: 'txid' });
    await expect(w.coordinator.resolve(1n << 63n)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});
