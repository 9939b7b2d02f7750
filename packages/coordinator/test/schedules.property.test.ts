import fc from 'fast-check';
import { Coordinator, type Decision, type LegKind, type Outcome, type Transaction } from '../src';
import { SqliteDecisionLog } from '../src/sqlite';
import { Network, type LegScript, type PrepareScript } from './fakeParticipant';
import { reincarnate } from './harness';

const BANKS = ['A', 'B', 'C'];
const TIMEOUTS = { prepareMs: 15, ackMs: 1000, retryInitialMs: 1, retryMaxMs: 4 };

interface Plan {
  txs: { legs: { participant: string; kind: LegKind; script: LegScript }[] }[];
  /** Global event number at which the first coordinator "crashes" (is closed), if any. */
  crashAt: number | null;
  /** At global event `at`, a participant asks `resolve` about txid `txid`. */
  resolves: { at: number; txid: bigint }[];
  /** After the crash, clients retry their unanswered runs on the new coordinator. */
  retryRuns: boolean;
}

const prepare = fc.constantFrom<PrepareScript>(
  'YES',
  'YES',
  'YES',
  'YES',
  'NO',
  'THROW',
  'LOST_REPLY',
  'HANG',
  'LATE_PREPARE',
);
const leg = fc.record({
  participant: fc.constantFrom(...BANKS, ...BANKS, 'GONE'),
  kind: fc.constantFrom<LegKind>('debit', 'credit'),
  script: fc.record({ prepare, lostAcks: fc.nat(3), dropped: fc.nat(2) }),
});
const plan: fc.Arbitrary<Plan> = fc.record({
  txs: fc.array(
    fc.record({
      legs: fc.uniqueArray(leg, {
        minLength: 1,
        maxLength: 3,
        selector: (l) => `${l.participant}-${l.kind}`,
      }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
  crashAt: fc.option(fc.nat(25)),
  resolves: fc.array(fc.record({ at: fc.nat(25), txid: fc.bigInt(1n, 6n) }), { maxLength: 4 }),
  retryRuns: fc.boolean(),
});

async function execute(p: Plan): Promise<void> {
  const log = SqliteDecisionLog.open(':memory:');
  const net = new Network(BANKS);
  const txs: Transaction[] = p.txs.map((t, i) => {
    const txid = BigInt(i + 1);
    for (const l of t.legs) {
      if (BANKS.includes(l.participant)) net.get(l.participant).script(txid, l.kind, l.script);
    }
    return {
      txid,
      legs: t.legs.map((l) => ({
        participant: l.participant,
        kind: l.kind,
        account: 'x',
        amount: 5n,
      })),
    };
  });
  /** Each answer, and whether any participant held a leg of that txid when it was given. */
  const answers: Promise<[bigint, Decision, boolean] | undefined>[] = [];
  const held = (txid: bigint): boolean =>
    net.all().some((p) => p.entries().some((e) => e.txid === txid && e.state === 'PREPARED'));
  let seen = 0;
  const first: Coordinator = new Coordinator({
    log,
    participants: net.lookup,
    timeouts: TIMEOUTS,
    random: () => 0.5,
    onEvent: () => {
      const at = seen;
      seen += 1;
      for (const r of p.resolves.filter((q) => q.at === at)) {
        answers.push(
          first.resolve(r.txid).then(
            (d) => [r.txid, d, held(r.txid)],
            () => undefined,
          ),
        );
      }
      if (p.crashAt === at) void first.close();
    },
  });

  const outcomes = new Map<bigint, Outcome>();
  const settle = (o: Outcome | undefined): void => {
    if (o !== undefined) outcomes.set(o.txid, o);
  };
  const runs = await Promise.all(txs.map((tx) => first.run(tx).catch(() => undefined)));
  runs.forEach(settle);
  await first.close();

  // Faults stop: a new coordinator on the same log; the participants keep their state.
  const second = new Coordinator({
    log: reincarnate(log),
    participants: net.lookup,
    timeouts: TIMEOUTS,
  });
  if (p.retryRuns) {
    const unanswered = txs.filter((tx) => !outcomes.has(tx.txid));
    for (const o of await Promise.all(unanswered.map((tx) => second.run(tx)))) settle(o);
  }
  await second.recover();
  await second.idle();

  const known = new Set([...txs.map((t) => t.txid), ...p.resolves.map((r) => r.txid)]);
  for (const txid of known) {
    const record = await log.get(txid);
    const tx = txs.find((t) => t.txid === txid);
    const states = tx === undefined ? [] : net.states(tx);
    if (record === undefined) {
      // Never initiated: no participant may have heard of it.
      expect(states.filter((s) => s !== undefined)).toEqual([]);
      continue;
    }
    expect(record.state).toBe('DONE');
    // TCConsistent: never one leg committed and another aborted.
    expect(states.includes('COMMITTED') && states.includes('ABORTED')).toBe(false);
    if (record.decision === 'COMMIT') {
      expect(states).toEqual(states.map(() => 'COMMITTED'));
    } else {
      expect(states).not.toContain('COMMITTED');
      expect(states).not.toContain('PREPARED');
    }
    const outcome = outcomes.get(txid);
    if (outcome !== undefined) expect(outcome.decision).toBe(record.decision);
    expect(await second.resolve(txid)).toBe(record.decision);
  }
  // An answer is recorded, so it stands; except ABORT for a txid never logged, which nobody can
  // hold a leg of: then no participant may have held one when the answer was given.
  for (const answer of await Promise.all(answers)) {
    if (answer === undefined) continue;
    const [txid, decision, wasHeld] = answer;
    const logged = (await log.get(txid))?.decision;
    if (logged !== decision) expect([decision, wasHeld]).toEqual(['ABORT', false]);
  }
  for (const participant of net.all()) {
    expect(participant.violations).toEqual([]);
    for (const { txid, state } of participant.entries()) {
      const decision = (await log.get(txid))?.decision;
      expect(state).toBe(decision === 'COMMIT' ? 'COMMITTED' : 'ABORTED');
    }
  }
  await log.close();
}

describe('random fault schedules', () => {
  it('end with every participant agreeing with the logged decision, every txid DONE', async () => {
    await fc.assert(fc.asyncProperty(plan, execute), { numRuns: 150 });
    // 150 schedules take about 10 s on a quiet machine; a busy CI machine may take several times
    // that, and the test measures correctness, not speed.
  }, 180_000);
});
