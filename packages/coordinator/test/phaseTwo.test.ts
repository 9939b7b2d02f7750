import { Coordinator, type Clock, type Participant } from '../src';
import { SqliteDecisionLog } from '../src/sqlite';
import { Network } from './fakeParticipant';
import { FAST, payment, world } from './harness';

describe('phase 2', () => {
  it('resolves run as soon as the decision is durable, while a commit is still blocked', async () => {
    const w = world();
    const release = w.net.get('ICICI').blockPhaseTwo();
    expect(await w.coordinator.run(payment(1n))).toEqual({ txid: 1n, decision: 'COMMIT' });
    expect(w.net.get('ICICI').state(1n, 'credit')).toBe('PREPARED');
    expect((await w.log.get(1n))?.state).toBe('COMMIT');
    let idle = false;
    const waiting = w.coordinator.idle().then(() => (idle = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(idle).toBe(false);
    release();
    await waiting;
    expect(w.net.states(payment(1n))).toEqual(['COMMITTED', 'COMMITTED']);
    expect((await w.log.get(1n))?.state).toBe('DONE');
  });

  it.each([
    ['acknowledgement is lost after the commit is applied', { lostAcks: 3 }],
    ['commit is lost before it is applied', { dropped: 3 }],
  ])('re-sends until acknowledged when the %s, then marks DONE', async (_what, script) => {
    const w = world();
    w.net.get('SBI').script(2n, 'debit', script);
    await w.coordinator.run(payment(2n));
    await w.coordinator.idle();
    expect(w.net.get('SBI').count('commit', 2n)).toBe(4);
    expect(w.net.get('ICICI').count('commit', 2n)).toBe(1);
    expect(w.net.states(payment(2n))).toEqual(['COMMITTED', 'COMMITTED']);
    const attempts = w.events.flatMap((e) => (e.type === 'RETRY' ? [e.attempt] : []));
    expect(attempts).toEqual([1, 2, 3]);
    expect((await w.log.get(2n))?.state).toBe('DONE');
  });

  it('re-sends an abort until acknowledged', async () => {
    const w = world();
    w.net.get('SBI').script(3n, 'debit', { prepare: 'NO' });
    w.net.get('ICICI').script(3n, 'credit', { lostAcks: 2 });
    await w.coordinator.run(payment(3n));
    await w.coordinator.idle();
    expect(w.net.get('ICICI').count('abort', 3n)).toBe(3);
    expect(w.net.states(payment(3n))).toEqual(['ABORTED', 'ABORTED']);
  });

  describe('backoff', () => {
    /** Records retry sleeps and returns at once; the long prepare/ack deadlines never fire. */
    function recordingClock(sleeps: number[]): Clock {
      return {
        now: () => 0,
        sleep: (ms, signal) => {
          if (ms >= 1000) {
            return new Promise((_resolve, reject) =>
              signal?.addEventListener('abort', () => reject(new Error('aborted'))),
            );
          }
          sleeps.push(ms);
          return Promise.resolve();
        },
      };
    }

    it.each([
      ['lowest', 0, [10, 10, 20, 20, 20, 20]],
      ['highest', 0.999, [10, 20, 40, 40, 40, 40]],
    ])(
      'doubles from retryInitialMs to retryMaxMs, never below the first, with %s jitter',
      async (_what, random, want) => {
        const sleeps: number[] = [];
        const net = new Network(['SBI', 'ICICI']);
        net.get('SBI').script(4n, 'debit', { lostAcks: 6 });
        const coordinator = new Coordinator({
          log: SqliteDecisionLog.open(':memory:'),
          participants: net.lookup,
          timeouts: { prepareMs: 1000, ackMs: 1000, retryInitialMs: 10, retryMaxMs: 40 },
          clock: recordingClock(sleeps),
          random: () => random,
        });
        await coordinator.run(payment(4n));
        await coordinator.idle();
        expect(sleeps).toEqual(want);
      },
    );
  });

  it('counts a commit unanswered after ackMs as lost: cancels it and retries', async () => {
    const w = world();
    const inner = w.net.get('ICICI');
    const signals: AbortSignal[] = [];
    const silentOnce: Participant = {
      prepare: (txid, leg, signal) => inner.prepare(txid, leg, signal),
      commit: (txid, leg, signal) => {
        signals.push(signal);
        return signals.length === 1 ? new Promise(() => undefined) : inner.commit(txid, leg);
      },
      abort: (txid, leg) => inner.abort(txid, leg),
    };
    const coordinator = w.restart({
      participants: (name) => (name === 'ICICI' ? silentOnce : w.net.lookup(name)),
      timeouts: { ...FAST, ackMs: 20 },
    });
    await coordinator.run(payment(5n));
    await coordinator.idle();
    expect(signals.map((s) => s.aborted)).toEqual([true, true]);
    expect(inner.state(5n, 'credit')).toBe('COMMITTED');
    expect(w.events.find((e) => e.type === 'RETRY')).toMatchObject({
      leg: { participant: 'ICICI' },
      error: { code: 'TIMEOUT' },
    });
  });

  it('keeps re-sending a commit to a participant that became unknown until it is back', async () => {
    const w = world();
    let iciciKnown = true;
    let retries = 0;
    const coordinator = w.restart({
      participants: (name) => (name === 'ICICI' && !iciciKnown ? undefined : w.net.lookup(name)),
      onEvent: (e) => {
        if (e.type === 'PREPARED_VOTE' && e.leg.participant === 'ICICI') iciciKnown = false;
        if (e.type === 'RETRY' && (retries += 1) === 3) iciciKnown = true;
      },
    });
    await coordinator.run(payment(6n));
    await coordinator.idle();
    expect(retries).toBe(3);
    expect(w.net.states(payment(6n))).toEqual(['COMMITTED', 'COMMITTED']);
  });

  it('stops re-sending on close, leaving the transaction for recover on the next start', async () => {
    const w = world();
    const sbi = w.net.get('SBI').script(7n, 'debit', { dropped: Number.MAX_SAFE_INTEGER });
    let closing: Promise<void> | undefined;
    const coordinator = w.restart({
      onEvent: (e) => {
        if (e.type === 'RETRY' && e.attempt === 3) closing = coordinator.close();
      },
    });
    await coordinator.run(payment(7n));
    await coordinator.idle();
    await closing;
    const sent = sbi.count('commit', 7n);
    expect(sent).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 3 * FAST.retryMaxMs));
    expect(sbi.count('commit', 7n)).toBe(sent);
    expect((await w.log.get(7n))?.state).toBe('COMMIT');

    sbi.script(7n, 'debit', {});
    const next = w.restart();
    expect(await next.recover()).toEqual({ resumed: [], redriven: [7n] });
    await next.idle();
    expect(w.net.states(payment(7n))).toEqual(['COMMITTED', 'COMMITTED']);
    expect((await w.log.get(7n))?.state).toBe('DONE');
  });
});
