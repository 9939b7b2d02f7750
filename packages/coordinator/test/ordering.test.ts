import { Coordinator } from '../src';
import { SqliteDecisionLog } from '../src/sqlite';
import { Network } from './fakeParticipant';
import { FAST, eventRecorder, payment, tracingLog } from './harness';

/** A coordinator whose durable writes, messages and events all land in one `trace`. */
function traced(): { coordinator: Coordinator; net: Network; trace: string[] } {
  const trace: string[] = [];
  const net = new Network(['SBI', 'ICICI']);
  for (const p of net.all()) p.onMessage = (op) => trace.push(`${p.name}:${op}`);
  const coordinator = new Coordinator({
    log: tracingLog(SqliteDecisionLog.open(':memory:'), trace),
    participants: net.lookup,
    timeouts: FAST,
    onEvent: (e) => trace.push(`event:${e.type}`),
  });
  return { coordinator, net, trace };
}

const at = (trace: string[], entry: string): number => {
  const i = trace.indexOf(entry);
  if (i < 0) throw new Error(`${entry} is not in ${trace.join(', ')}`);
  return i;
};

describe('write-ahead order', () => {
  it.each(['COMMIT', 'ABORT'] as const)(
    '%s: INITIATED before any Prepare, the decision before any phase-2 message, DONE last',
    async (decision) => {
      const { coordinator, net, trace } = traced();
      if (decision === 'ABORT') net.get('SBI').script(1n, 'debit', { prepare: 'NO' });
      await coordinator.run(payment(1n));
      await coordinator.idle();
      const phaseTwo = decision === 'COMMIT' ? 'commit' : 'abort';
      for (const name of ['SBI', 'ICICI']) {
        expect(at(trace, 'log:INITIATED:1')).toBeLessThan(at(trace, `${name}:prepare`));
        expect(at(trace, `log:${decision}:1`)).toBeLessThan(at(trace, `${name}:${phaseTwo}`));
      }
      expect(trace.at(-2)).toBe('log:DONE:1');
    },
  );

  it('emits each event right after its durable write, before anything else happens', async () => {
    const { coordinator, trace } = traced();
    await coordinator.run(payment(2n));
    await coordinator.idle();
    expect(trace[at(trace, 'log:INITIATED:2') + 1]).toBe('event:INITIATED');
    expect(trace[at(trace, 'log:COMMIT:2') + 1]).toBe('event:DECIDED');
    expect(trace[at(trace, 'log:DONE:2') + 1]).toBe('event:DONE');
  });
});

describe('events', () => {
  it('reports a commit in order, with the votes, acks and decision', async () => {
    const recorder = eventRecorder();
    const net = new Network(['SBI', 'ICICI']);
    net.get('ICICI').script(3n, 'credit', { lostAcks: 1 });
    const coordinator = new Coordinator({
      log: SqliteDecisionLog.open(':memory:'),
      participants: net.lookup,
      timeouts: FAST,
      random: () => 0,
      onEvent: recorder.onEvent,
    });
    const tx = payment(3n);
    await coordinator.run(tx);
    await coordinator.idle();
    const [sbi, icici] = tx.legs;
    expect(recorder.events).toEqual([
      { type: 'INITIATED', txid: 3n, legs: tx.legs },
      { type: 'PREPARED_VOTE', txid: 3n, leg: sbi, vote: { vote: 'YES' } },
      { type: 'PREPARED_VOTE', txid: 3n, leg: icici, vote: { vote: 'YES' } },
      { type: 'DECIDED', txid: 3n, decision: 'COMMIT' },
      { type: 'ACKED', txid: 3n, leg: sbi, decision: 'COMMIT' },
      {
        type: 'RETRY',
        txid: 3n,
        leg: icici,
        decision: 'COMMIT',
        attempt: 1,
        delayMs: 1,
        error: new Error('ICICI: commit acknowledgement lost'),
      },
      { type: 'ACKED', txid: 3n, leg: icici, decision: 'COMMIT' },
      { type: 'DONE', txid: 3n, decision: 'COMMIT' },
    ]);
  });

  it('reports an abort with its cause', async () => {
    const recorder = eventRecorder();
    const net = new Network(['SBI', 'ICICI']);
    net.get('SBI').script(4n, 'debit', { prepare: 'NO' });
    const coordinator = new Coordinator({
      log: SqliteDecisionLog.open(':memory:'),
      participants: net.lookup,
      timeouts: FAST,
      onEvent: recorder.onEvent,
    });
    await coordinator.run(payment(4n));
    await coordinator.idle();
    expect(recorder.types()).toEqual([
      'INITIATED',
      'PREPARED_VOTE',
      'PREPARED_VOTE',
      'DECIDED',
      'ACKED',
      'ACKED',
      'DONE',
    ]);
    expect(recorder.events[1]).toMatchObject({ leg: { participant: 'SBI' }, vote: { vote: 'NO' } });
    expect(recorder.events[3]).toEqual({
      type: 'DECIDED',
      txid: 4n,
      decision: 'ABORT',
      cause: { kind: 'VOTED_NO', participant: 'SBI', reason: 'INSUFFICIENT_FUNDS', detail: '2001' },
    });
  });

  it('keeps going when the event hook throws, and re-throws its error asynchronously', async () => {
    const net = new Network(['SBI', 'ICICI']);
    const thrown: unknown[] = [];
    const realQueueMicrotask = globalThis.queueMicrotask;
    const spy = jest.spyOn(globalThis, 'queueMicrotask').mockImplementation((callback) =>
      realQueueMicrotask(() => {
        try {
          callback();
        } catch (error) {
          thrown.push(error);
        }
      }),
    );
    try {
      const coordinator = new Coordinator({
        log: SqliteDecisionLog.open(':memory:'),
        participants: net.lookup,
        timeouts: FAST,
        onEvent: (e) => {
          if (e.type === 'INITIATED' || e.type === 'ACKED') throw new Error(`bug at ${e.type}`);
        },
      });
      expect(await coordinator.run(payment(5n))).toMatchObject({ decision: 'COMMIT' });
      await coordinator.idle();
    } finally {
      spy.mockRestore();
    }
    expect(thrown).toEqual([
      new Error('bug at INITIATED'),
      new Error('bug at ACKED'),
      new Error('bug at ACKED'),
    ]);
    expect(net.states(payment(5n))).toEqual(['COMMITTED', 'COMMITTED']);
    expect(net.get('SBI').count('commit')).toBe(1);
  });
});
