import {
  Decision,
  Leg,
  type LegRecord,
  LegState,
  type Payment,
  PaymentStatus,
} from '@strife/protocol';
import type { TestSystem } from '@strife/testkit';

/** Every leg in a bank's log, all pages. */
export async function legsOf(system: TestSystem, bank: string): Promise<LegRecord[]> {
  const legs: LegRecord[] = [];
  let pageToken = '';
  do {
    const page = await system
      .bank(bank)
      .listTransactions({ accountNo: '', pageSize: 1000, pageToken });
    legs.push(...page.records);
    pageToken = page.nextPageToken;
  } while (pageToken !== '');
  return legs;
}

export interface LegAt extends LegRecord {
  readonly bank: string;
}

/**
 * The run's verdict: every violated invariant, described. Empty means the books, the gateway's
 * decisions and what the clients were told all agree.
 */
export async function audit(
  system: TestSystem,
  banks: readonly string[],
  initial: ReadonlyMap<string, bigint>,
  answers: ReadonlyMap<string, Payment[]>,
): Promise<string[]> {
  const problems: string[] = [];
  const byTxid = new Map<bigint, LegAt[]>();
  for (const bank of banks) {
    for (const leg of await legsOf(system, bank))
      byTxid.set(leg.txid, [...(byTxid.get(leg.txid) ?? []), { ...leg, bank }]);
  }

  const expected = new Map(initial);
  for (const [txid, legs] of byTxid) {
    const states = new Set(legs.map((l) => l.state));
    if (states.has(LegState.LEG_STATE_PREPARED))
      problems.push(`txid ${txid}: a leg is still PREPARED`);
    if (states.has(LegState.LEG_STATE_COMMITTED) && states.has(LegState.LEG_STATE_ABORTED)) {
      problems.push(`txid ${txid}: one leg committed and another aborted`);
    }
    const committed = legs.filter((l) => l.state === LegState.LEG_STATE_COMMITTED);
    if (committed.length > 0) {
      const debit = committed.filter((l) => l.leg === Leg.LEG_DEBIT);
      const credit = committed.filter((l) => l.leg === Leg.LEG_CREDIT);
      const transfer = committed.filter((l) => l.leg === Leg.LEG_TRANSFER);
      const paired =
        transfer.length === 0
          ? debit.length === 1 && credit.length === 1 && debit[0]?.amount === credit[0]?.amount
          : transfer.length === 1 && debit.length === 0 && credit.length === 0;
      if (!paired) {
        problems.push(
          `txid ${txid}: committed legs do not pair up (${debit.length} debit, ${credit.length} credit, ${transfer.length} transfer)`,
        );
      }
      const move = (account: string, delta: bigint): void => {
        expected.set(account, (expected.get(account) ?? 0n) + delta);
      };
      for (const l of committed) {
        if (l.leg === Leg.LEG_TRANSFER) {
          move(`${l.bank}:${l.accountNo}`, -l.amount);
          move(`${l.bank}:${l.toAccountNo}`, l.amount);
        } else {
          move(`${l.bank}:${l.accountNo}`, l.leg === Leg.LEG_DEBIT ? -l.amount : l.amount);
        }
      }
    }
    // Asked as a bank that takes part: the gateway refuses questions about others' transactions.
    const asker = `bank-${legs[0]?.bank ?? banks[0] ?? ''}`;
    const { decision } = await system.coordinator(asker).resolveTransaction({ txid });
    const applied = committed.length > 0;
    if (applied !== (decision === Decision.DECISION_COMMIT)) {
      problems.push(
        `txid ${txid}: gateway decided ${Decision[decision]} but the banks ${applied ? 'committed' : 'did not commit'}`,
      );
    }
  }

  for (const [key, seen] of answers) {
    const first = seen[0];
    if (!first) continue;
    if (seen.some((p) => p.status !== first.status || p.txid !== first.txid)) {
      problems.push(`key ${key}: answers changed over time`);
    }
    const legs = byTxid.get(first.txid) ?? [];
    const committed = legs.filter((l) => l.state === LegState.LEG_STATE_COMMITTED).length;
    const needed = first.from.split(':')[0] === first.to.split(':')[0] ? 1 : 2;
    if (first.status === PaymentStatus.PAYMENT_STATUS_COMMITTED && committed !== needed) {
      problems.push(
        `key ${key}: answered COMMITTED but ${committed} of ${needed} legs are committed`,
      );
    }
    if (first.status === PaymentStatus.PAYMENT_STATUS_ABORTED && committed !== 0) {
      problems.push(`key ${key}: answered ABORTED but ${committed} legs are committed`);
    }
  }

  for (const [account, balance] of expected) {
    const books = await system.books(account);
    if (books.balance !== balance)
      problems.push(`${account}: balance ${books.balance}, log says ${balance}`);
    if (books.held !== 0n) problems.push(`${account}: ${books.held} still held`);
    if (books.balance < 0n) problems.push(`${account}: negative balance ${books.balance}`);
  }
  return problems;
}
