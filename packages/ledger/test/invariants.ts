import type { Ledger, LegRecord } from '../src';
import { allLegs } from './helpers';

/** What the leg log says money should have done since the books were seeded. */
export interface BooksReport {
  readonly legs: LegRecord[];
  /** Committed credits minus committed debits. */
  readonly committedNet: bigint;
  /** Whether every txid has both legs committed or neither. */
  readonly settled: boolean;
}

/**
 * Checks the invariants that must hold at every moment, whatever was retried or crashed, and
 * throws (via jest `expect`) on the first broken one:
 * - no balance and no available balance is negative;
 * - each account's `held` is the sum of its PREPARED debit legs;
 * - the total balance is the seeded total plus committed credits minus committed debits;
 * - both committed legs of a txid carry one amount;
 * - with `atomic` (a coordinator that obeys 2PC drove the books), no txid has one leg COMMITTED
 *   and the other ABORTED.
 */
export function checkBooks(
  ledger: Ledger,
  accountNos: readonly string[],
  initialTotal: bigint,
  { atomic }: { atomic: boolean },
): BooksReport {
  const legs = allLegs(ledger);
  for (const accountNo of accountNos) {
    const account = ledger.getAccount(accountNo);
    expect(account.balance).toBeGreaterThanOrEqual(0n);
    expect(account.available).toBeGreaterThanOrEqual(0n);
    const held = legs
      .filter((l) => l.accountNo === accountNo && l.leg === 'debit' && l.state === 'PREPARED')
      .reduce((sum, l) => sum + l.amount, 0n);
    expect({ accountNo, held: account.held }).toEqual({ accountNo, held });
  }
  let committedNet = 0n;
  const byTxid = new Map<bigint, LegRecord[]>();
  for (const leg of legs) {
    if (leg.state === 'COMMITTED') committedNet += leg.leg === 'credit' ? leg.amount : -leg.amount;
    byTxid.set(leg.txid, [...(byTxid.get(leg.txid) ?? []), leg]);
  }
  const totals = ledger.totals();
  expect(totals.balance).toBe(initialTotal + committedNet);
  expect(totals.held).toBe(legs.reduce((s, l) => s + (heldBy(l) ?? 0n), 0n));
  let settled = true;
  for (const [txid, pair] of byTxid) {
    const states = pair.map((l) => l.state);
    if (atomic && states.includes('COMMITTED') && states.includes('ABORTED')) {
      throw new Error(`txid ${txid} is half committed, half aborted: ${states.join(', ')}`);
    }
    const committed = pair.filter((l) => l.state === 'COMMITTED');
    if (committed.length === 1) settled = false;
    if (committed.length === 2) expect(committed[0]?.amount).toBe(committed[1]?.amount);
  }
  return { legs, committedNet, settled };
}

function heldBy(leg: LegRecord): bigint | undefined {
  return leg.leg === 'debit' && leg.state === 'PREPARED' ? leg.amount : undefined;
}
