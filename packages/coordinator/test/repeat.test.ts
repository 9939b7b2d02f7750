import { InvalidArgument } from '@strife/domain';
import { Coordinator, CoordinatorClosed, TransactionMismatch } from '../src';
import { SqliteDecisionLog } from '../src/sqlite';
import { FAST, credit, debit, payment, world } from './harness';
import { ManualClock } from './manualClock';

describe('the same txid again', () => {
  it('joins a run of the same txid in flight instead of preparing twice', async () => {
    const w = world();
    const [a, b] = await Promise.all([
      w.coordinator.run(payment(1n)),
      w.coordinator.run(payment(1n)),
    ]);
    expect(a).toEqual({ txid: 1n, decision: 'COMMIT' });
    expect(b).toEqual(a);
    await w.coordinator.idle();
    expect(w.net.get('SBI').count('prepare', 1n)).toBe(1);
    expect(w.net.get('SBI').count('commit', 1n)).toBe(1);
  });

  it('returns the logged outcome of a finished txid without sending anything', async () => {
    const w = world();
    w.net.get('ICICI').script(2n, 'credit', { prepare: 'NO' });
    const first = await w.coordinator.run(payment(2n));
    await w.coordinator.idle();
    const sent = w.net.all().map((p) => p.received.length);
    const record = await w.log.get(2n);
    expect(await w.coordinator.run(payment(2n))).toEqual(first);
    expect(await w.restart().run(payment(2n))).toEqual(first);
    await w.coordinator.idle();
    expect(w.net.all().map((p) => p.received.length)).toEqual(sent);
    expect(await w.log.get(2n)).toEqual(record);
  });

  it('returns the outcome of a decided txid whose phase 2 is still running, without re-preparing', async () => {
    const w = world();
    const release = w.net.get('SBI').blockPhaseTwo();
    await w.coordinator.run(payment(3n));
    expect(await w.coordinator.run(payment(3n))).toEqual({ txid: 3n, decision: 'COMMIT' });
    release();
    await w.coordinator.idle();
    expect(w.net.get('SBI').count('prepare', 3n)).toBe(1);
    expect(w.net.get('SBI').count('commit', 3n)).toBe(1);
  });

  it('runs phase 1 again for a txid left INITIATED by a crashed instance', async () => {
    const w = world();
    await w.log.initiate(payment(4n));
    expect(await w.coordinator.run(payment(4n))).toEqual({ txid: 4n, decision: 'COMMIT' });
    await w.coordinator.idle();
    expect(w.net.states(payment(4n))).toEqual(['COMMITTED', 'COMMITTED']);
  });

  it('refuses the txid with different legs, in flight or logged, and changes nothing', async () => {
    const w = world();
    const running = w.coordinator.run(payment(5n, 100n));
    await expect(w.coordinator.run(payment(5n, 200n))).rejects.toThrow(TransactionMismatch);
    await running;
    await expect(w.coordinator.run(payment(5n, 200n))).rejects.toMatchObject({
      field: 'legs[0].amount',
    });
    await w.coordinator.idle();
    expect(w.net.get('SBI').count('prepare', 5n)).toBe(1);
    expect((await w.log.get(5n))?.legs).toEqual(payment(5n, 100n).legs);
  });
});

describe('closing', () => {
  it('rejects a run in phase 1 without deciding, and refuses new work', async () => {
    const clock = new ManualClock();
    const w = world({ clock });
    w.net.get('ICICI').script(6n, 'credit', { prepare: 'HANG' });
    const running = w.coordinator.run(payment(6n));
    await clock.advance(1);
    await w.coordinator.close();
    await expect(running).rejects.toThrow(CoordinatorClosed);
    expect((await w.log.get(6n))?.state).toBe('INITIATED');
    await expect(w.coordinator.run(payment(7n))).rejects.toThrow(CoordinatorClosed);
    await expect(w.coordinator.resolve(6n)).rejects.toThrow(CoordinatorClosed);
    await expect(w.coordinator.recover()).rejects.toThrow(CoordinatorClosed);
    expect(await w.log.get(7n)).toBeUndefined();

    w.net.get('ICICI').script(6n, 'credit', { prepare: 'YES' });
    const next = w.restart();
    expect(await next.recover()).toEqual({ resumed: [6n], redriven: [] });
    await next.idle();
    expect(w.net.states(payment(6n))).toEqual(['COMMITTED', 'COMMITTED']);
  });
});

describe('input', () => {
  const w = world();
  const bad: [string, unknown][] = [
    ['txid', { txid: 0n, legs: payment(1n).legs }],
    ['txid', { txid: 1, legs: payment(1n).legs }],
    ['legs', { txid: 1n, legs: [] }],
    ['legs[0].participant', { txid: 1n, legs: [debit('', '1', 1n)] }],
    ['legs[0].kind', { txid: 1n, legs: [{ ...debit('SBI', '1', 1n), kind: 'refund' }] }],
    ['legs[1].account', { txid: 1n, legs: [debit('SBI', '1', 1n), credit('ICICI', '', 1n)] }],
    ['legs[0].amount', { txid: 1n, legs: [debit('SBI', '1', 0n)] }],
    ['legs[0].amount', { txid: 1n, legs: [debit('SBI', '1', 1n << 63n)] }],
    ['legs[1]', { txid: 1n, legs: [debit('SBI', '1', 1n), debit('SBI', '2', 1n)] }],
  ];

  it.each(bad)(
    'rejects a transaction with a bad %s, before logging anything',
    async (field, tx) => {
      const error: unknown = await w.coordinator
        .run(tx as Parameters<Coordinator['run']>[0])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidArgument);
      expect(error).toMatchObject({ field });
      expect(await w.log.get(1n)).toBeUndefined();
    },
  );

  it.each([
    ['timeouts.prepareMs', { prepareMs: 0 }],
    ['timeouts.ackMs', { ackMs: Number.NaN }],
    ['timeouts.retryInitialMs', { retryInitialMs: -1 }],
    ['timeouts.retryMaxMs', { retryInitialMs: 10, retryMaxMs: 5 }],
  ])('rejects a bad %s option', (field, timeouts) => {
    const make = (): Coordinator =>
      new Coordinator({
        log: SqliteDecisionLog.open(':memory:'),
        participants: () => undefined,
        timeouts: { ...FAST, ...timeouts },
      });
    expect(make).toThrow(expect.objectContaining({ field }) as Error);
  });
});
