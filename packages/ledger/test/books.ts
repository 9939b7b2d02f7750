import fc from 'fast-check';
import { type LegKind, MAX_BALANCE } from '@strife/domain';
import { Ledger, type LegRecord } from '../src';
import type { ModelRequest } from './model';

export interface Books {
  readonly seed: readonly { accountNo: string; holder: string; balance: bigint }[];
  readonly amounts: fc.Arbitrary<bigint>;
}

/** Three real accounts (one empty) and small amounts, many of which overdraw 1002 and 1003. */
export const EVERYDAY: Books = {
  seed: [
    { accountNo: '1001', holder: 'Alice', balance: 1_000n },
    { accountNo: '1002', holder: 'Bob', balance: 500n },
    { accountNo: '1003', holder: 'Carol', balance: 0n },
  ],
  amounts: fc.oneof(
    { weight: 8, arbitrary: fc.bigInt(1n, 1_200n) },
    { weight: 1, arbitrary: fc.constantFrom(0n, -5n) },
  ),
};

/**
 * Accounts at and near MAX_BALANCE, and amounts that fit one at a time but not together: the
 * books where a YES that counted only the balance (not the credits already promised) would be
 * a promise Commit could not keep.
 */
export const NEAR_THE_BOUND: Books = {
  seed: [
    { accountNo: '1001', holder: 'Rich', balance: MAX_BALANCE - 1_000n },
    { accountNo: '1002', holder: 'Full', balance: MAX_BALANCE },
    { accountNo: '1003', holder: 'Empty', balance: 0n },
  ],
  amounts: fc.oneof(
    { weight: 4, arbitrary: fc.bigInt(1n, 1_200n) },
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        MAX_BALANCE / 2n,
        MAX_BALANCE / 2n + 1n,
        MAX_BALANCE - 1_000n,
        MAX_BALANCE,
      ),
    },
    { weight: 1, arbitrary: fc.constantFrom(MAX_BALANCE + 1n, 0n) },
  ),
};

export interface Payment {
  readonly from: string;
  readonly to: string;
  readonly amount: bigint;
}

/** Mostly the seeded accounts, sometimes one the bank does not hold. */
const accountArb = fc.constantFrom('1001', '1001', '1002', '1002', '1003', '1003', '1009');
export const paymentArb = (books: Books): fc.Arbitrary<Payment> =>
  fc.record({ from: accountArb, to: accountArb, amount: books.amounts });
export const kindArb = fc.constantFrom<LegKind>('debit', 'credit', 'transfer');

export function openBooks(books: Books): Ledger {
  const ledger = Ledger.open(':memory:');
  ledger.importSeed(books.seed);
  return ledger;
}

export const known = (books: Books): string[] => books.seed.map((a) => a.accountNo);
export const initialTotal = (books: Books): bigint =>
  books.seed.reduce((s, a) => s + a.balance, 0n);

export function balances(ledger: Ledger, books: Books): Map<string, bigint> {
  return new Map(known(books).map((no) => [no, ledger.getAccount(no).balance]));
}

export function byKey(legs: readonly LegRecord[]): Map<string, LegRecord> {
  return new Map(legs.map((l) => [l.key, l]));
}

/** The Prepare of `kind` for a payment, as the ledger and the model take it. */
export function prepareOf(ledger: Ledger, kind: LegKind, txid: bigint, p: Payment) {
  if (kind === 'transfer') {
    const request = { txid, fromAccountNo: p.from, toAccountNo: p.to, amount: p.amount };
    const model: ModelRequest = { accountNo: p.from, toAccountNo: p.to, amount: p.amount };
    return { call: () => ledger.prepareTransfer(request), model };
  }
  const accountNo = kind === 'debit' ? p.from : p.to;
  const request = { txid, accountNo, amount: p.amount };
  return {
    call: () => (kind === 'debit' ? ledger.prepareDebit(request) : ledger.prepareCredit(request)),
    model: { accountNo, toAccountNo: null, amount: p.amount } satisfies ModelRequest,
  };
}
