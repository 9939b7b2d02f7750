import { Coordinator, type Leg, type Participant, type Vote } from '../src';
import { SqliteDecisionLog } from '../src/sqlite';
import { Network } from './fakeParticipant';
import { FAST, credit, debit, deferred, payment, world } from './harness';
import { ManualClock } from './manualClock';

describe('phase 1', () => {
  it('commits when every leg votes YES, and every leg ends committed and DONE', async () => {
    const w = world();
    const tx = payment(1n);
    expect(await w.coordinator.run(tx)).toEqual({ txid: 1n, decision: 'COMMIT' });
    await w.coordinator.idle();
    expect(w.net.states(tx)).toEqual(['COMMITTED', 'COMMITTED']);
    expect(await w.log.get(1n)).toMatchObject({ state: 'DONE', decision: 'COMMIT' });
    for (const name of ['SBI', 'ICICI']) {
      expect(w.net.get(name).received.map((m) => m.op)).toEqual(['prepare', 'commit']);
    }
  });

  it('aborts on a NO vote with its reason, and aborts every leg including the YES one', async () => {
    const w = world();
    const tx = payment(2n);
    w.net.get('ICICI').script(2n, 'credit', { prepare: 'NO' });
    expect(await w.coordinator.run(tx)).toEqual({
      txid: 2n,
      decision: 'ABORT',
      reason: {
        kind: 'VOTED_NO',
        participant: 'ICICI',
        reason: 'INSUFFICIENT_FUNDS',
        detail: '1001',
      },
    });
    await w.coordinator.idle();
    expect(w.net.states(tx)).toEqual(['ABORTED', 'ABORTED']);
    expect(w.net.get('ICICI').count('abort', 2n)).toBe(1);
    expect(await w.log.get(2n)).toMatchObject({ state: 'DONE', decision: 'ABORT' });
  });

  it('aborts with UNAVAILABLE when a prepare throws, and still sends that leg an abort', async () => {
    const w = world();
    w.net.get('SBI').script(3n, 'debit', { prepare: 'THROW' });
    expect(await w.coordinator.run(payment(3n))).toEqual({
      txid: 3n,
      decision: 'ABORT',
      reason: { kind: 'UNAVAILABLE', participant: 'SBI', detail: 'SBI is unreachable' },
    });
    await w.coordinator.idle();
    expect(w.net.get('SBI').count('abort', 3n)).toBe(1);
    expect(w.net.states(payment(3n))).toEqual(['ABORTED', 'ABORTED']);
  });

  it('releases a leg that prepared but whose YES was lost', async () => {
    const w = world();
    const icici = w.net.get('ICICI').script(4n, 'credit', { prepare: 'LOST_REPLY' });
    const stateWhenAborted: unknown[] = [];
    icici.onMessage = (op, txid) => {
      if (op === 'abort') stateWhenAborted.push(icici.state(txid, 'credit'));
    };
    const outcome = await w.coordinator.run(payment(4n));
    expect(outcome).toMatchObject({ decision: 'ABORT', reason: { kind: 'UNAVAILABLE' } });
    await w.coordinator.idle();
    expect(stateWhenAborted).toEqual(['PREPARED']);
    expect(w.net.states(payment(4n))).toEqual(['ABORTED', 'ABORTED']);
  });

  it('aborts with UNAVAILABLE before any Prepare when a participant is unknown', async () => {
    const w = world();
    const tx = { txid: 5n, legs: [debit('SBI', '2001', 10n), credit('NOBANK', '1', 10n)] };
    expect(await w.coordinator.run(tx)).toEqual({
      txid: 5n,
      decision: 'ABORT',
      reason: { kind: 'UNAVAILABLE', participant: 'NOBANK', detail: 'unknown participant' },
    });
    await w.coordinator.idle();
    expect(w.net.get('SBI').count('prepare')).toBe(0);
    expect(w.net.get('SBI').state(5n, 'debit')).toBe('ABORTED');
    expect((await w.log.get(5n))?.state).toBe('DONE');
  });

  it('sends the prepares in parallel', async () => {
    const w = world();
    const bothArrived = deferred<true>();
    let arrived = 0;
    for (const p of w.net.all()) {
      p.onMessage = (op) => {
        if (op === 'prepare' && (arrived += 1) === 2) bothArrived.resolve(true);
      };
    }
    const inner = w.net.get('SBI');
    // SBI answers only once ICICI has its Prepare too: sequential sends would time out.
    const sbi: Participant = {
      prepare: async (txid, leg, signal) => {
        const vote = inner.prepare(txid, leg, signal);
        await bothArrived.promise;
        return vote;
      },
      commit: (txid, leg) => inner.commit(txid, leg),
      abort: (txid, leg) => inner.abort(txid, leg),
    };
    const coordinator = w.restart({
      participants: (name) => (name === 'SBI' ? sbi : w.net.lookup(name)),
    });
    expect(await coordinator.run(payment(6n))).toMatchObject({ decision: 'COMMIT' });
  });

  describe('timeout', () => {
    function hangingSetup(): {
      clock: ManualClock;
      coordinator: Coordinator;
      signals: AbortSignal[];
      net: Network;
    } {
      const clock = new ManualClock();
      const net = new Network(['SBI', 'ICICI']);
      const signals: AbortSignal[] = [];
      const hanging: Participant = {
        prepare: (_txid: bigint, _leg: Leg, signal: AbortSignal) => {
          signals.push(signal);
          return new Promise<Vote>(() => undefined);
        },
        commit: () => Promise.resolve(),
        abort: () => Promise.resolve(),
      };
      const coordinator = new Coordinator({
        log: SqliteDecisionLog.open(':memory:'),
        participants: (name) => (name === 'ICICI' ? hanging : net.lookup(name)),
        timeouts: { ...FAST, prepareMs: 100 },
        clock,
      });
      return { clock, coordinator, signals, net };
    }

    it('aborts with TIMEOUT exactly at prepareMs and cancels the hung prepare', async () => {
      const { clock, coordinator, signals, net } = hangingSetup();
      let outcome: unknown;
      const running = coordinator.run(payment(7n)).then((o) => (outcome = o));
      await clock.advance(99);
      expect(outcome).toBeUndefined();
      expect(signals.map((s) => s.aborted)).toEqual([false]);
      await clock.advance(1);
      await running;
      expect(outcome).toEqual({
        txid: 7n,
        decision: 'ABORT',
        reason: { kind: 'TIMEOUT', participant: 'ICICI' },
      });
      expect(signals.map((s) => s.aborted)).toEqual([true]);
      await coordinator.idle();
      expect(net.get('SBI').state(7n, 'debit')).toBe('ABORTED');
    });

    it('does not wait for the timeout once another leg votes NO, and cancels the hung prepare', async () => {
      const { clock, coordinator, signals, net } = hangingSetup();
      net.get('SBI').script(8n, 'debit', { prepare: 'NO' });
      const outcome = await coordinator.run(payment(8n));
      expect(outcome).toMatchObject({ reason: { kind: 'VOTED_NO', participant: 'SBI' } });
      expect(clock.now()).toBe(0);
      expect(signals[0]?.aborted).toBe(true);
      await coordinator.idle();
      expect(clock.pending).toBe(0);
    });

    it('aborts with TIMEOUT against the real clock for a participant that hangs', async () => {
      const w = world({ timeouts: { ...FAST, prepareMs: 30 } });
      w.net.get('ICICI').script(9n, 'credit', { prepare: 'HANG' });
      expect(await w.coordinator.run(payment(9n))).toMatchObject({
        reason: { kind: 'TIMEOUT', participant: 'ICICI' },
      });
      await w.coordinator.idle();
      expect(w.net.states(payment(9n))).toEqual(['ABORTED', 'ABORTED']);
    });
  });
});
