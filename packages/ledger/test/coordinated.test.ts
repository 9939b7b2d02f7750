import fc from 'fast-check';
import type { LegKind } from '@strife/domain';
import type { Ledger } from '../src';
import {
  balances,
  type Books,
  EVERYDAY,
  initialTotal,
  known,
  NEAR_THE_BOUND,
  openBooks,
  type Payment,
  paymentArb,
  prepareOf,
} from './books';
import { checkBooks } from './invariants';

describe('ledger properties under a 2PC coordinator', () => {
  type Message = 'PD' | 'PC' | 'PT' | 'AD' | 'AC' | 'AT' | 'DECIDE' | 'P2D' | 'P2C' | 'P2T';
  const SCRIPTS = {
    normal: ['PD', 'PC', 'DECIDE', 'P2D', 'P2C'],
    // The coordinator timed out before any Prepare arrived; both arrive late.
    abortFirst: ['AD', 'AC', 'PD', 'PC'],
    // The debit was prepared, the coordinator timed out on the credit, whose Prepare comes late.
    abortHalfway: ['PD', 'AD', 'AC', 'PC'],
    // A same-bank payment: one transfer leg.
    transfer: ['PT', 'DECIDE', 'P2T'],
    transferAbortFirst: ['AT', 'PT'],
  } satisfies Record<string, Message[]>;
  type Script = keyof typeof SCRIPTS;
  const LATE: Record<Script, Message[]> = {
    normal: ['PD', 'PC', 'P2D', 'P2C'],
    abortFirst: ['PD', 'PC', 'P2D', 'P2C'],
    abortHalfway: ['PD', 'PC', 'P2D', 'P2C'],
    transfer: ['PT', 'P2T'],
    transferAbortFirst: ['PT', 'P2T'],
  };

  it.each([
    ['everyday books', EVERYDAY],
    ['books near MAX_BALANCE', NEAR_THE_BOUND],
  ])('conserves money and applies each payment whole or not at all on %s', (_name, books) => {
    const coordinated = fc.record({
      payments: fc.array(
        fc
          .record({
            payment: paymentArb(books),
            script: fc.constantFrom<Script>(
              'normal',
              'normal',
              'abortFirst',
              'abortHalfway',
              'transfer',
              'transfer',
              'transferAbortFirst',
            ),
            // Whether the coordinator decides COMMIT when every leg votes YES (else it timed out).
            wantsCommit: fc.constantFrom(true, true, true, false),
          })
          .chain((p) =>
            // Duplicate messages delivered again at the end, after the payment finished.
            fc.subarray(LATE[p.script]).map((lateDuplicates) => ({ ...p, lateDuplicates })),
          ),
        { minLength: 1, maxLength: 6 },
      ),
      order: fc.array(fc.nat(), { maxLength: 60 }),
    });
    fc.assert(
      fc.property(coordinated, ({ payments, order }) => {
        const ledger = openBooks(books);
        try {
          runCoordinator(ledger, books, payments, order);
        } finally {
          ledger.close();
        }
      }),
      { numRuns: 150 },
    );
  });

  function runCoordinator(
    ledger: Ledger,
    books: Books,
    payments: readonly {
      payment: Payment;
      script: Script;
      wantsCommit: boolean;
      lateDuplicates: Message[];
    }[],
    order: readonly number[],
  ): void {
    const total = initialTotal(books);
    const queues = payments.map((p): Message[] => [...SCRIPTS[p.script], ...p.lateDuplicates]);
    const kindsOf = (script: Script): LegKind[] =>
      script.startsWith('transfer') ? ['transfer'] : ['debit', 'credit'];
    const votes = payments.map(() => new Map<LegKind, boolean>());
    const abortsDelivered = payments.map(() => new Set<LegKind>());
    const decisions: ('commit' | 'abort' | undefined)[] = payments.map((p) =>
      p.script === 'normal' || p.script === 'transfer' ? undefined : 'abort',
    );
    const KIND = { D: 'debit', C: 'credit', T: 'transfer' } as const;
    for (let i = 0; ; i++) {
      const active = queues.flatMap((q, index) => (q.length > 0 ? [index] : []));
      if (active.length === 0) break;
      const index = active[(order[i] ?? i) % active.length]!;
      const message = queues[index]!.shift()!;
      const { payment, script } = payments[index]!;
      const txid = BigInt(index + 1);
      const kind: LegKind = KIND[message.slice(-1) as keyof typeof KIND];
      const decision = decisions[index];
      if (message === 'DECIDE') {
        const yes = kindsOf(script).every((k) => votes[index]!.get(k) === true);
        decisions[index] = yes && payments[index]!.wantsCommit ? 'commit' : 'abort';
      } else if (message.startsWith('P') && !message.startsWith('P2')) {
        const vote = prepareOf(ledger, kind, txid, payment).call();
        const tombstoned = abortsDelivered[index]!.has(kind) && !votes[index]!.has(kind);
        if (tombstoned) expect(vote).toMatchObject({ vote: 'NO', reason: 'ALREADY_ABORTED' });
        if (!votes[index]!.has(kind)) votes[index]!.set(kind, vote.vote === 'YES');
        expect(vote.vote === 'YES').toBe(votes[index]!.get(kind));
      } else if (decision === 'commit') {
        expect(ledger.commit(txid, kind)).toBe('COMMITTED');
      } else {
        expect(ledger.abort(txid, kind)).toBe('ABORTED');
        abortsDelivered[index]!.add(kind);
      }
      const report = checkBooks(ledger, known(books), total, { atomic: true });
      if (report.settled) expect(ledger.totals().balance).toBe(total);
    }

    const report = checkBooks(ledger, known(books), total, { atomic: true });
    expect(report.settled).toBe(true);
    expect(ledger.totals()).toMatchObject({ balance: total, held: 0n, incoming: 0n });
    expect(ledger.inDoubt(0)).toEqual([]);
    const expected = new Map(books.seed.map((a) => [a.accountNo, a.balance]));
    payments.forEach(({ payment }, index) => {
      if (decisions[index] !== 'commit') return;
      expected.set(payment.from, expected.get(payment.from)! - payment.amount);
      expected.set(payment.to, expected.get(payment.to)! + payment.amount);
    });
    expect(balances(ledger, books)).toEqual(expected);
  }
});
