import { payment, world } from './harness';
import { ManualClock } from './manualClock';

describe('recover', () => {
  it('aborts INITIATED transactions without a decision and tells every leg', async () => {
    const w = world();
    const tx = payment(1n);
    await w.log.initiate(tx);
    await w.net.get('SBI').prepare(1n, tx.legs[0]!, new AbortController().signal);
    expect(await w.coordinator.recover()).toEqual({ aborted: [1n], redriven: [1n] });
    await w.coordinator.idle();
    expect(w.net.states(tx)).toEqual(['ABORTED', 'ABORTED']);
    expect(await w.log.get(1n)).toMatchObject({ state: 'DONE', cause: { kind: 'PRESUMED' } });
  });

  it.each([
    ['COMMIT', 'COMMITTED'],
    ['ABORT', 'ABORTED'],
  ] as const)('re-drives a %s decision that is not DONE', async (decision, state) => {
    const w = world();
    const tx = payment(2n);
    await w.log.initiate(tx);
    for (const leg of tx.legs) {
      await w.net.get(leg.participant).prepare(2n, leg, new AbortController().signal);
    }
    await w.log.decide(2n, decision);
    expect(await w.coordinator.recover()).toEqual({ aborted: [], redriven: [2n] });
    await w.coordinator.idle();
    expect(w.net.states(tx)).toEqual([state, state]);
    expect((await w.log.get(2n))?.state).toBe('DONE');
  });

  it('leaves DONE transactions alone and reports nothing to do', async () => {
    const w = world();
    await w.coordinator.run(payment(3n));
    await w.coordinator.idle();
    const received = w.net.all().map((p) => p.received.length);
    const next = w.restart();
    expect(await next.recover()).toEqual({ aborted: [], redriven: [] });
    expect(w.net.all().map((p) => p.received.length)).toEqual(received);
  });

  it('finishes a transaction whose coordinator stopped right after deciding', async () => {
    const w = world();
    const first = w.restart({
      onEvent: (e) => {
        if (e.type === 'DECIDED') void first.close();
      },
    });
    expect(await first.run(payment(4n))).toMatchObject({ decision: 'COMMIT' });
    await first.idle();
    expect(w.net.get('SBI').count('commit')).toBe(0);
    expect(w.net.states(payment(4n))).toEqual(['PREPARED', 'PREPARED']);

    const second = w.restart();
    expect(await second.recover()).toEqual({ aborted: [], redriven: [4n] });
    await second.idle();
    expect(w.net.states(payment(4n))).toEqual(['COMMITTED', 'COMMITTED']);
  });

  it('does not presume-abort a transaction whose phase 1 is running in this process', async () => {
    const clock = new ManualClock();
    const w = world({ clock });
    w.net.get('ICICI').script(5n, 'credit', { prepare: 'HANG' });
    const running = w.coordinator.run(payment(5n));
    await clock.advance(1);
    expect(await w.coordinator.recover()).toEqual({ aborted: [], redriven: [] });
    await clock.advance(200);
    expect(await running).toMatchObject({ reason: { kind: 'TIMEOUT', participant: 'ICICI' } });
  });

  it('orders its report by txid', async () => {
    const w = world();
    for (const txid of [9n, 7n, 8n]) await w.log.initiate(payment(txid));
    await w.log.decide(8n, 'COMMIT');
    await w.net.get('SBI').prepare(8n, payment(8n).legs[0]!, new AbortController().signal);
    await w.net.get('ICICI').prepare(8n, payment(8n).legs[1]!, new AbortController().signal);
    expect(await w.coordinator.recover()).toEqual({ aborted: [7n, 9n], redriven: [7n, 8n, 9n] });
    await w.coordinator.idle();
    expect(w.net.states(payment(8n))).toEqual(['COMMITTED', 'COMMITTED']);
  });
});
