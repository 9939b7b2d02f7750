import fc from 'fast-check';
import { Ledger, type LegName, type LegRecord } from '../src';
import { checkBooks } from './invariants';
import { LedgerModel, outcomeOf } from './model';

/** Three real accounts (one empty) and one the bank does not hold. */
const SEED = [
  { accountNo: '1001', holder: 'Alice', balance: 1_000n },
  { accountNo: '1002', holder: 'Bob', balance: 500n },
  { accountNo: '1003', holder: 'Carol', balance: 0n },
];
const KNOWN = SEED.map((a) => a.accountNo);
const INITIAL_TOTAL = 1_500n;

interface Payment {
  readonly from: string;
  readonly to: string;
  readonly amount: bigint;
}

const accountArb = fc.constantFrom('1001', '1001', '1002', '1002', '1003', '1009');
const paymentArb: fc.Arbitrary<Payment> = fc.record({
  from: accountArb,
  to: accountArb,
  // Mostly valid amounts, many of which overdraw 1002 and 1003; sometimes zero or negative.
  amount: fc.oneof(
    { weight: 8, arbitrary: fc.bigInt(1n, 1_200n) },
    { weight: 1, arbitrary: fc.constantFrom(0n, -5n) },
  ),
});
const legArb = fc.constantFrom<LegName>('debit', 'credit');

function openBooks(): Ledger {
  const ledger = Ledger.open(':memory:');
  ledger.importSeed(SEED);
  return ledger;
}

function balances(ledger: Ledger): Map<string, bigint> {
  return new Map(KNOWN.map((no) => [no, ledger.getAccount(no).balance]));
}

function states(legs: readonly LegRecord[]): Map<string, LegRecord> {
  return new Map(legs.map((l) => [l.key, l]));
}

describe('ledger properties', () => {
  type Step = { op: 'prepare' | 'commit' | 'abort'; payment: number; leg: LegName; skew: bigint };
  const stepArb = (payments: number): fc.Arbitrary<Step> =>
    fc.record({
      op: fc.constantFrom<Step['op']>('prepare', 'prepare', 'commit', 'abort'),
      payment: fc.nat(payments - 1),
      leg: legArb,
      // A non-zero skew re-sends an existing leg with another amount: LegMismatch.
      skew: fc.constantFrom(0n, 0n, 0n, 0n, 7n),
    });

  it('agrees with a plain model under any interleaving of prepare, commit and abort', () => {
    const scenario = fc
      .array(paymentArb, { minLength: 1, maxLength: 5 })
      .chain((payments) =>
        fc.tuple(
          fc.constant(payments),
          fc.array(stepArb(payments.length), { minLength: 1, maxLength: 60 }),
        ),
      );
    fc.assert(
      fc.property(scenario, ([payments, steps]) => {
        const ledger = openBooks();
        const model = new LedgerModel(SEED);
        let report = checkBooks(ledger, KNOWN, INITIAL_TOTAL, { atomic: false });
        try {
          for (const step of steps) {
            const payment = payments[step.payment]!;
            const txid = BigInt(step.payment + 1);
            const accountNo = step.leg === 'debit' ? payment.from : payment.to;
            // Skew only a re-sent leg, so both legs of a payment still carry one amount.
            const amount = payment.amount + (model.has(txid, step.leg) ? step.skew : 0n);
            const before = { balances: balances(ledger), legs: states(report.legs) };
            const call = {
              prepare: () =>
                step.leg === 'debit'
                  ? ledger.prepareDebit({ txid, accountNo, amount })
                  : ledger.prepareCredit({ txid, accountNo, amount }),
              commit: () => ledger.commit(txid, step.leg),
              abort: () => ledger.abort(txid, step.leg),
            }[step.op];
            const expected = {
              prepare: () => model.prepare(step.leg, txid, accountNo, amount),
              commit: () => model.commit(txid, step.leg),
              abort: () => model.abort(txid, step.leg),
            }[step.op]();
            expect(outcomeOf(call)).toEqual(expected);

            report = checkBooks(ledger, KNOWN, INITIAL_TOTAL, { atomic: false });
            for (const [accountNo, account] of model.accounts) {
              expect(ledger.getAccount(accountNo)).toMatchObject(account);
            }
            expectMoneyMovedOnlyByNewCommits(before, report.legs, balances(ledger));
          }
        } finally {
          ledger.close();
        }
      }),
      { numRuns: 200 },
    );
  });

  /**
   * A step may change a balance only by the amounts of legs that went from PREPARED to
   * COMMITTED in that step, and a finished leg never changes state again: so each key moves
   * money at most once.
   */
  function expectMoneyMovedOnlyByNewCommits(
    before: { balances: Map<string, bigint>; legs: Map<string, LegRecord> },
    legsAfter: readonly LegRecord[],
    balancesAfter: Map<string, bigint>,
  ): void {
    const expected = new Map(before.balances);
    for (const leg of legsAfter) {
      const earlier = before.legs.get(leg.key);
      if (earlier !== undefined && earlier.state !== 'PREPARED') {
        expect(leg.state).toBe(earlier.state);
      }
      if (leg.state === 'COMMITTED' && earlier?.state !== 'COMMITTED') {
        expect(earlier?.state).toBe('PREPARED');
        const delta = leg.leg === 'credit' ? leg.amount : -leg.amount;
        expected.set(leg.accountNo, (expected.get(leg.accountNo) ?? 0n) + delta);
      }
    }
    expect(balancesAfter).toEqual(expected);
  }

  type Message = 'PD' | 'PC' | 'AD' | 'AC' | 'DECIDE' | 'P2D' | 'P2C';
  const SCRIPTS: Record<'normal' | 'abortFirst' | 'abortHalfway', Message[]> = {
    normal: ['PD', 'PC', 'DECIDE', 'P2D', 'P2C'],
    // The coordinator timed out before any Prepare arrived; both arrive late.
    abortFirst: ['AD', 'AC', 'PD', 'PC'],
    // The debit was prepared, the coordinator timed out on the credit, whose Prepare comes late.
    abortHalfway: ['PD', 'AD', 'AC', 'PC'],
  };

  it('conserves money and applies each payment at both legs or neither under a 2PC coordinator', () => {
    const coordinated = fc.record({
      payments: fc.array(
        fc.record({
          payment: paymentArb,
          script: fc.constantFrom<keyof typeof SCRIPTS>(
            'normal',
            'normal',
            'abortFirst',
            'abortHalfway',
          ),
          // Whether the coordinator decides COMMIT when both vote YES (else it timed out).
          wantsCommit: fc.constantFrom(true, true, true, false),
          // Duplicate messages delivered again at the end, after the payment finished.
          lateDuplicates: fc.subarray<Message>(['PD', 'PC', 'P2D', 'P2C']),
        }),
        { minLength: 1, maxLength: 6 },
      ),
      order: fc.array(fc.nat(), { maxLength: 60 }),
    });
    fc.assert(
      fc.property(coordinated, ({ payments, order }) => {
        const ledger = openBooks();
        try {
          runCoordinator(ledger, payments, order);
        } finally {
          ledger.close();
        }
      }),
      { numRuns: 200 },
    );
  });

  function runCoordinator(
    ledger: Ledger,
    payments: readonly {
      payment: Payment;
      script: keyof typeof SCRIPTS;
      wantsCommit: boolean;
      lateDuplicates: Message[];
    }[],
    order: readonly number[],
  ): void {
    const queues = payments.map((p) => [...SCRIPTS[p.script], ...p.lateDuplicates]);
    const votes = payments.map(() => new Map<LegName, boolean>());
    const abortsDelivered = payments.map(() => new Set<LegName>());
    const decisions: ('commit' | 'abort' | undefined)[] = payments.map((p) =>
      p.script === 'normal' ? undefined : 'abort',
    );
    for (let i = 0; ; i++) {
      const active = queues.flatMap((q, index) => (q.length > 0 ? [index] : []));
      if (active.length === 0) break;
      const index = active[(order[i] ?? i) % active.length]!;
      const message = queues[index]!.shift()!;
      const { payment } = payments[index]!;
      const txid = BigInt(index + 1);
      const leg: LegName = message.endsWith('D') ? 'debit' : 'credit';
      const decision = decisions[index];
      if (message === 'DECIDE') {
        const yes = votes[index]!.get('debit') === true && votes[index]!.get('credit') === true;
        decisions[index] = yes && payments[index]!.wantsCommit ? 'commit' : 'abort';
      } else if (message === 'PD' || message === 'PC') {
        const req = {
          txid,
          accountNo: leg === 'debit' ? payment.from : payment.to,
          amount: payment.amount,
        };
        const vote = leg === 'debit' ? ledger.prepareDebit(req) : ledger.prepareCredit(req);
        const tombstoned = abortsDelivered[index]!.has(leg) && !votes[index]!.has(leg);
        if (tombstoned) expect(vote).toMatchObject({ vote: 'NO', reason: 'ALREADY_ABORTED' });
        if (!votes[index]!.has(leg)) votes[index]!.set(leg, vote.vote === 'YES');
        expect(vote.vote === 'YES').toBe(votes[index]!.get(leg));
      } else if (decision === 'commit') {
        expect(ledger.commit(txid, leg)).toBe('COMMITTED');
      } else {
        expect(ledger.abort(txid, leg)).toBe('ABORTED');
        abortsDelivered[index]!.add(leg);
      }
      const report = checkBooks(ledger, KNOWN, INITIAL_TOTAL, { atomic: true });
      if (report.settled) expect(ledger.totals().balance).toBe(INITIAL_TOTAL);
    }

    const report = checkBooks(ledger, KNOWN, INITIAL_TOTAL, { atomic: true });
    expect(report.settled).toBe(true);
    expect(ledger.totals()).toMatchObject({ balance: INITIAL_TOTAL, held: 0n });
    expect(ledger.inDoubt(0)).toEqual([]);
    const expected = new Map(SEED.map((a) => [a.accountNo, a.balance]));
    payments.forEach(({ payment }, index) => {
      if (decisions[index] !== 'commit') return;
      expected.set(payment.from, expected.get(payment.from)! - payment.amount);
      expected.set(payment.to, expected.get(payment.to)! + payment.amount);
    });
    expect(balances(ledger)).toEqual(expected);
  }
});
