import { MAX_BALANCE } from '@strife/domain';
import type { Ledger, LegRecord } from '../src';
import { allLegs } from './helpers';
import { payerAndPayee } from './model';

/** What the leg log says money should have done since the books were seeded. */
export interface BooksReport {
  readonly legs: LegRecord[];
  /** Committed credits minus committed debits (a transfer nets to zero). */
  readonly committedNet: bigint;
  /** Whether every txid has both its debit and credit committed or neither. */
  readonly settled: boolean;
}

/** The payer and payee of a recorded leg. */
export function sidesOfRecord(leg: LegRecord): { payer?: string; payee?: string } {
  return payerAndPayee(leg.leg, leg.accountNo, leg.toAccountNo);
}

/**
 * Checks the invariants that must hold at every moment, whatever was retried or crashed, and
 * throws (via jest `expect`) on the first broken one:
 * - no balance and no available balance is negative, and no balance plus the money promised
 *   to it (`incoming`) passes MAX_BALANCE;
 * - each account's `held` is the sum of its PREPARED debits and outgoing transfers, and its
 *   `incoming` the sum of its PREPARED credits and incoming transfers;
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
  const prepared = legs.filter((l) => l.state === 'PREPARED');
  let held = 0n;
  let incoming = 0n;
  for (const accountNo of accountNos) {
    const account = ledger.getAccount(accountNo);
    expect(account.balance).toBeGreaterThanOrEqual(0n);
    expect(account.available).toBeGreaterThanOrEqual(0n);
    expect(account.balance + account.incoming).toBeLessThanOrEqual(MAX_BALANCE);
    const promised = {
      held: sum(prepared.filter((l) => sidesOfRecord(l).payer === accountNo)),
      incoming: sum(prepared.filter((l) => sidesOfRecord(l).payee === accountNo)),
    };
    expect({ accountNo, held: account.held, incoming: account.incoming }).toEqual({
      accountNo,
      ...promised,
    });
    held += promised.held;
    incoming += promised.incoming;
  }
  let committedNet = 0n;
  const byTxid = new Map<bigint, LegRecord[]>();
  for (const leg of legs) {
    if (leg.state === 'COMMITTED' && leg.leg !== 'transfer') {
      committedNet += leg.leg === 'credit' ? leg.amount : -leg.amount;
    }
    byTxid.set(leg.txid, [...(byTxid.get(leg.txid) ?? []), leg]);
  }
  const totals = ledger.totals();
  expect(totals.balance).toBe(initialTotal + committedNet);
  expect({ held: totals.held, incoming: totals.incoming }).toEqual({ held, incoming });
  let settled = true;
  for (const [txid, group] of byTxid) {
    const states = group.map((l) => l.state);
    if (atomic && states.includes('COMMITTED') && states.includes('ABORTED')) {
      throw new Error(`txid ${txid} is half committed, half aborted: ${states.join(', ')}`);
    }
    // A transfer is one leg, applied whole; a debit and a credit must be applied together.
    const committed = group.filter((l) => l.state === 'COMMITTED' && l.leg !== 'transfer');
    if (committed.length === 1) settled = false;
    if (committed.length === 2) expect(committed[0]?.amount).toBe(committed[1]?.amount);
  }
  return { legs, committedNet, settled };
}

function sum(legs: readonly LegRecord[]): bigint {
  return legs.reduce((total, l) => total + l.amount, 0n);
}
