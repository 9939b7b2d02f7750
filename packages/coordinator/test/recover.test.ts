import { SqliteDecisionLog } from '../src/sqlite';
import { payment, world } from './harness';
import { ManualClock } from './manualClock';

describe('recover (one takeover pass)', () => {
  it('runs phase 1 again for an INITIATED transaction another incarnation left, and finishes it', async () => {
    const w = world();
    const tx = payment(1n);
    await w.log.initiate(tx);
    await w.net.get('SBI').prepare(1n, tx.legs[0]!, new AbortController().signal);
    const next = w.restart();
    expect(await next.recover()).toEqual({ resumed: [1n], redriven: [] });
    await next.idle();
    expect(w.net.states(tx)).toEqual(['COMMITTED', 'COMMITTED']);
    expect(await w.log.get(1n)).toMatchObject({ state: 'DONE', decision: 'COMMIT' });
  });

  it('ends a resumed transaction in ABORT when a participant now votes NO', async () => {
    const w = world();
    const tx = payment(11n);
    await w.log.initiate(tx);
    w.net.get('ICICI').script(11n, 'credit', { prepare: 'NO' });
    const next = w.restart();
    await next.recover();
    await next.idle();
    expect(w.net.states(tx)).toEqual(['ABORTED', 'ABORTED']);
    expect(await w.log.get(11n)).toMatchObject({ state: 'DONE', decision: 'ABORT' });
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
    const next = w.restart();
    expect(await next.recover()).toEqual({ resumed: [], redriven: [2n] });
    await next.idle();
    expect(w.net.states(tx)).toEqual([state, state]);
    expect((await w.log.get(2n))?.state).toBe('DONE');
  });

  it('leaves DONE transactions alone and reports nothing to do', async () => {
    const w = world();
    await w.coordinator.run(payment(3n));
    await w.coordinator.idle();
    const received = w.net.all().map((p) => p.received.length);
    const next = w.restart();
    expect(await next.recover()).toEqual({ resumed: [], redriven: [] });
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
    expect(await second.recover()).toEqual({ resumed: [], redriven: [4n] });
    await second.idle();
    expect(w.net.states(payment(4n))).toEqual(['COMMITTED', 'COMMITTED']);
  });

  it('leaves a transaction alone while its owner holds a live lease', async () => {
    const clock = new ManualClock();
    const w = world({ clock });
    w.net.get('ICICI').script(5n, 'credit', { prepare: 'HANG' });
    const running = w.coordinator.run(payment(5n));
    await clock.advance(1);
    expect(await w.coordinator.recover()).toEqual({ resumed: [], redriven: [] });
    const rival = SqliteDecisionLog.sharing(w.log, { name: 'rival', incarnation: 'r', leaseMs: 1 });
    expect(await rival.takeOver(10)).toEqual([]);
    await clock.advance(200);
    expect(await running).toMatchObject({ reason: { kind: 'TIMEOUT', participant: 'ICICI' } });
  });

  it('takes over what another owner leased once the lease has run out, and only then', async () => {
    let now = 1_000_000;
    const log = SqliteDecisionLog.open(':memory:', {
      now: () => now,
      owner: { name: 'gw1', incarnation: 'a', leaseMs: 3000 },
    });
    const other = SqliteDecisionLog.sharing(log, { name: 'gw2', incarnation: 'b', leaseMs: 3000 });
    await log.initiate(payment(6n));
    now += 2999;
    expect(await other.takeOver(10)).toEqual([]);
    now += 2;
    expect((await other.takeOver(10)).map((r) => r.txid)).toEqual([6n]);
    // gw1 is back from a pause: its lease is gone, so renewing reports the loss.
    expect(await log.renew([6n])).toEqual([6n]);
    expect(await other.renew([6n])).toEqual([]);
    expect(await log.takeOver(10)).toEqual([]);
    await log.close();
  });

  it('orders its report by txid', async () => {
    const w = world();
    for (const txid of [9n, 7n, 8n]) await w.log.initiate(payment(txid));
    await w.log.decide(8n, 'COMMIT');
    await w.net.get('SBI').prepare(8n, payment(8n).legs[0]!, new AbortController().signal);
    await w.net.get('ICICI').prepare(8n, payment(8n).legs[1]!, new AbortController().signal);
    const next = w.restart();
    expect(await next.recover()).toEqual({ resumed: [7n, 9n], redriven: [8n] });
    await next.idle();
    expect(w.net.states(payment(8n))).toEqual(['COMMITTED', 'COMMITTED']);
  });

  it('renews the leases of what it works on, so nobody takes it over until it stops', async () => {
    const clock = new ManualClock();
    let now = 0;
    const log = SqliteDecisionLog.open(':memory:', {
      now: () => now,
      owner: { name: 'gw1', incarnation: 'a', leaseMs: 3000 },
    });
    const rival = SqliteDecisionLog.sharing(log, { name: 'gw2', incarnation: 'b', leaseMs: 3000 });
    const w = world({
      clock,
      log,
      timeouts: { prepareMs: 60_000, renewMs: 1000, takeOverMs: 1000 },
    });
    w.net.get('ICICI').script(12n, 'credit', { prepare: 'HANG' });
    await w.coordinator.start();
    const running = w.coordinator.run(payment(12n));
    for (let second = 0; second < 10; second++) {
      now += 1000;
      await clock.advance(1000);
      expect(await rival.takeOver(10)).toEqual([]);
    }
    await w.coordinator.close();
    await expect(running).rejects.toThrow();
    now += 3001;
    expect((await rival.takeOver(10)).map((r) => r.txid)).toEqual([12n]);
    await log.close();
  });
});
