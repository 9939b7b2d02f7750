import fc from 'fast-check';
import type { LegKind } from '@strife/domain';
import type { LegRecord } from '../src';
import {
  balances,
  byKey,
  EVERYDAY,
  initialTotal,
  kindArb,
  known,
  NEAR_THE_BOUND,
  openBooks,
  paymentArb,
  prepareOf,
} from './books';
import { checkBooks, sidesOfRecord } from './invariants';
import { LedgerModel, outcomeOf } from './model';

describe.each([
  ['everyday books', EVERYDAY],
  ['books near MAX_BALANCE', NEAR_THE_BOUND],
])('ledger properties on %s', (_name, books) => {
  type Step = { op: 'prepare' | 'commit' | 'abort'; payment: number; kind: LegKind; skew: bigint };
  const stepArb = (payments: number): fc.Arbitrary<Step> =>
    fc.record({
      op: fc.constantFrom<Step['op']>('prepare', 'prepare', 'commit', 'abort'),
      payment: fc.nat(payments - 1),
      kind: kindArb,
      // A non-zero skew re-sends an existing leg with another amount: LegMismatch.
      skew: fc.constantFrom(0n, 0n, 0n, 0n, 7n),
    });

  it('agrees with a plain model under any interleaving, and every YES can be committed', () => {
    const scenario = fc
      .array(paymentArb(books), { minLength: 1, maxLength: 5 })
      .chain((payments) =>
        fc.tuple(
          fc.constant(payments),
          fc.array(stepArb(payments.length), { minLength: 1, maxLength: 60 }),
        ),
      );
    fc.assert(
      fc.property(scenario, ([payments, steps]) => {
        const ledger = openBooks(books);
        const model = new LedgerModel(books.seed);
        const check = () =>
          checkBooks(ledger, known(books), initialTotal(books), { atomic: false });
        let report = check();
        try {
          for (const step of steps) {
            const original = payments[step.payment]!;
            const txid = BigInt(step.payment + 1);
            // Skew only a re-sent leg, so the legs of a payment still carry one amount.
            const skew = model.has(txid, step.kind) ? step.skew : 0n;
            const payment = { ...original, amount: original.amount + skew };
            const before = { balances: balances(ledger, books), legs: byKey(report.legs) };
            const wasPrepared = model.stateOf(txid, step.kind) === 'PREPARED';
            const prepare = prepareOf(ledger, step.kind, txid, payment);
            const call = {
              prepare: prepare.call,
              commit: () => ledger.commit(txid, step.kind),
              abort: () => ledger.abort(txid, step.kind),
            }[step.op];
            const expected = {
              prepare: () => model.prepare(step.kind, txid, prepare.model),
              commit: () => model.commit(txid, step.kind),
              abort: () => model.abort(txid, step.kind),
            }[step.op]();
            const outcome = outcomeOf(call);
            // The promise of a YES: its commit cannot fail, whatever else was prepared since.
            if (step.op === 'commit' && wasPrepared)
              expect(outcome).toEqual({ state: 'COMMITTED' });
            expect(outcome).toEqual(expected);

            report = check();
            for (const [accountNo, account] of model.accounts) {
              expect(ledger.getAccount(accountNo)).toMatchObject(account);
            }
            expectMoneyMovedOnlyByNewCommits(before, report.legs, balances(ledger, books));
          }
          // Whatever happened, every leg still PREPARED can be committed now.
          for (const leg of ledger.inDoubt(0)) {
            expect(ledger.commit(leg.txid, leg.leg)).toBe('COMMITTED');
          }
          report = check();
          expect(ledger.totals()).toMatchObject({ held: 0n, incoming: 0n });
        } finally {
          ledger.close();
        }
      }),
      { numRuns: 200 },
    );
  });

  /**
   * A step may change a balance only by the amounts of legs that went from PREPARED to
   * COMMITTED in that step (a transfer moves its amount from payer to payee), and a finished leg
   * never changes state again: so each key moves money at most once.
   */
  function expectMoneyMovedOnlyByNewCommits(
    before: { balances: Map<string, bigint>; legs: Map<string, LegRecord> },
    legsAfter: readonly LegRecord[],
    balancesAfter: Map<string, bigint>,
  ): void {
    const expected = new Map(before.balances);
    const move = (accountNo: string | undefined, delta: bigint) => {
      if (accountNo !== undefined) expected.set(accountNo, (expected.get(accountNo) ?? 0n) + delta);
    };
    for (const leg of legsAfter) {
      const earlier = before.legs.get(leg.key);
      if (earlier !== undefined && earlier.state !== 'PREPARED') {
        expect(leg.state).toBe(earlier.state);
      }
      if (leg.state === 'COMMITTED' && earlier?.state !== 'COMMITTED') {
        expect(earlier?.state).toBe('PREPARED');
        const { payer, payee } = sidesOfRecord(leg);
        move(payer, -leg.amount);
        move(payee, leg.amount);
      }
    }
    expect(balancesAfter).toEqual(expected);
  }
});
