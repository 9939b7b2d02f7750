import { join } from 'node:path';
import {
  InvalidArgument,
  LegMismatch,
  LegStateConflict,
  MAX_BALANCE,
  UnknownLeg,
} from '@strife/domain';
import { Ledger, type TransferRequest } from '../src';
import { allLegs, rawExec, SEED, seededLedger, snapshot, tempDir, thrown } from './helpers';

const YES = { vote: 'YES' };

/** Alice (1001, 10000) pays Bob (1002, 5000). */
const PAY: TransferRequest = {
  txid: 7n,
  fromAccountNo: '1001',
  toAccountNo: '1002',
  amount: 2_500n,
};

describe('prepareTransfer (a same-bank payment as one leg)', () => {
  let ledger: Ledger;
  beforeEach(() => {
    ledger = seededLedger();
  });
  afterEach(() => {
    ledger.close();
  });

  it('votes YES, holds on the payer and reserves on the payee, as one PREPARED leg', () => {
    expect(ledger.prepareTransfer(PAY)).toEqual(YES);
    expect(ledger.getAccount('1001')).toMatchObject({
      balance: 10_000n,
      held: 2_500n,
      incoming: 0n,
      available: 7_500n,
    });
    expect(ledger.getAccount('1002')).toMatchObject({
      balance: 5_000n,
      held: 0n,
      incoming: 2_500n,
      available: 5_000n,
    });
    expect(allLegs(ledger)).toEqual([
      expect.objectContaining({
        key: '7-transfer',
        txid: 7n,
        leg: 'transfer',
        accountNo: '1001',
        toAccountNo: '1002',
        amount: 2_500n,
        state: 'PREPARED',
      }),
    ]);
  });

  it('moves the money in one step at commit, once, and conserves the total', () => {
    ledger.prepareTransfer(PAY);
    expect(ledger.commit(7n, 'transfer')).toBe('COMMITTED');
    expect(ledger.getAccount('1001')).toMatchObject({ balance: 7_500n, held: 0n, incoming: 0n });
    expect(ledger.getAccount('1002')).toMatchObject({ balance: 7_500n, held: 0n, incoming: 0n });
    const after = snapshot(ledger);
    expect(ledger.commit(7n, 'transfer')).toBe('COMMITTED');
    expect(ledger.prepareTransfer(PAY)).toEqual(YES);
    expect(snapshot(ledger)).toEqual(after);
    expect(ledger.totals()).toEqual({ balance: 15_000n, held: 0n, incoming: 0n, accounts: 3 });
    expect(() => ledger.abort(7n, 'transfer')).toThrow(LegStateConflict);
  });

  it('releases the hold and the reservation at abort, once', () => {
    const before = snapshot(ledger);
    ledger.prepareTransfer(PAY);
    expect(ledger.abort(7n, 'transfer')).toBe('ABORTED');
    expect(ledger.abort(7n, 'transfer')).toBe('ABORTED');
    expect(snapshot(ledger).accounts).toEqual(before.accounts);
    expect(() => ledger.commit(7n, 'transfer')).toThrow(LegStateConflict);
  });

  it('throws UnknownLeg for a commit of a transfer never prepared', () => {
    expect(thrown(() => ledger.commit(8n, 'transfer'), UnknownLeg).key).toBe('8-transfer');
  });

  it.each<[string, Partial<TransferRequest>, string, string]>([
    [
      'short of funds',
      { amount: 10_001n },
      'INSUFFICIENT_FUNDS',
      'account 1001 has 100.00 available, 100.01 requested',
    ],
    [
      'from an unknown payer',
      { fromAccountNo: '9999' },
      'UNKNOWN_ACCOUNT',
      'no account 9999 (the payer)',
    ],
    [
      'to an unknown payee',
      { toAccountNo: '9998' },
      'UNKNOWN_ACCOUNT',
      'no account 9998 (the payee)',
    ],
    ['of a zero amount', { amount: 0n }, 'INVALID_AMOUNT', 'amount 0 minor units is not in 1..'],
    ['past MAX_BALANCE', { amount: MAX_BALANCE + 1n }, 'INVALID_AMOUNT', '(MAX_BALANCE, '],
    [
      'to the payer itself',
      { toAccountNo: '1001' },
      'INVALID_AMOUNT',
      '1001 is both payer and payee',
    ],
  ])('votes NO %s, records it and repeats it, moving nothing', (_name, change, reason, detail) => {
    const before = snapshot(ledger).accounts;
    const request = { ...PAY, ...change };
    const vote = ledger.prepareTransfer(request);
    expect(vote).toEqual({
      vote: 'NO',
      reason,
      detail: expect.stringContaining(detail) as unknown,
    });
    expect(ledger.prepareTransfer(request)).toEqual(vote);
    expect(snapshot(ledger).accounts).toEqual(before);
    expect(allLegs(ledger)).toEqual([
      expect.objectContaining({ key: '7-transfer', state: 'ABORTED', reason }),
    ]);
  });

  it('votes NO INVALID_AMOUNT when the payee could pass MAX_BALANCE, counting reservations', () => {
    const books = Ledger.open(':memory:');
    books.importSeed([
      { accountNo: '1', holder: 'Payer', balance: 1_000n },
      { accountNo: '2', holder: 'Near the bound', balance: MAX_BALANCE - 100n },
    ]);
    expect(books.prepareCredit({ txid: 1n, accountNo: '2', amount: 60n })).toEqual(YES);
    const vote = books.prepareTransfer({
      txid: 2n,
      fromAccountNo: '1',
      toAccountNo: '2',
      amount: 50n,
    });
    expect(vote).toEqual({
      vote: 'NO',
      reason: 'INVALID_AMOUNT',
      detail:
        'crediting 0.50 could take account 2 (the payee) past 10000000000000.00 (MAX_BALANCE): ' +
        'it holds 9999999999999.00 with 0.60 more already promised to it',
    });
    expect(books.getAccount('1')).toMatchObject({ held: 0n });
    expect(
      books.prepareTransfer({ txid: 3n, fromAccountNo: '1', toAccountNo: '2', amount: 40n }),
    ).toEqual(YES);
    expect(books.commit(3n, 'transfer')).toBe('COMMITTED');
    expect(books.commit(1n, 'credit')).toBe('COMMITTED');
    expect(books.getAccount('2')).toMatchObject({ balance: MAX_BALANCE, incoming: 0n });
    books.close();
  });

  it.each<[string, Partial<TransferRequest>]>([
    ['fromAccountNo', { fromAccountNo: '1003' }],
    ['toAccountNo', { toAccountNo: '1003' }],
    ['amount', { amount: 2_499n }],
  ])('throws LegMismatch naming %s for the same key with other parameters', (field, change) => {
    ledger.prepareTransfer(PAY);
    const before = snapshot(ledger);
    const err = thrown(() => ledger.prepareTransfer({ ...PAY, ...change }), LegMismatch);
    expect(err).toMatchObject({ key: '7-transfer', field });
    expect(snapshot(ledger)).toEqual(before);
  });

  it('honours a presumed-abort tombstone: a late prepare votes NO and holds nothing', () => {
    expect(ledger.abort(7n, 'transfer')).toBe('ABORTED');
    const before = snapshot(ledger);
    expect(ledger.prepareTransfer(PAY)).toEqual({
      vote: 'NO',
      reason: 'ALREADY_ABORTED',
      detail: 'leg 7-transfer was aborted before it was prepared',
    });
    expect(snapshot(ledger)).toEqual(before);
    expect(allLegs(ledger)).toEqual([]);
  });

  it('keeps the transfer of a txid apart from its debit and credit', () => {
    expect(ledger.prepareDebit({ txid: 7n, accountNo: '1001', amount: 1n })).toEqual(YES);
    expect(ledger.prepareTransfer(PAY)).toEqual(YES);
    expect(allLegs(ledger).map((l) => l.key)).toEqual(['7-transfer', '7-debit']);
  });

  it('is listed for its payer and its payee, once each, and is in doubt while PREPARED', () => {
    ledger.prepareTransfer(PAY);
    ledger.prepareCredit({ txid: 8n, accountNo: '1002', amount: 1n });
    ledger.prepareTransfer({ ...PAY, txid: 9n, toAccountNo: '1001' });
    const keys = (accountNo?: string) => allLegs(ledger, accountNo).map((l) => l.key);
    expect(keys('1001')).toEqual(['9-transfer', '7-transfer']);
    expect(keys('1002')).toEqual(['8-credit', '7-transfer']);
    expect(keys('1003')).toEqual([]);
    expect(keys()).toEqual(['9-transfer', '8-credit', '7-transfer']);
    expect(ledger.inDoubt(0).map((l) => l.key)).toEqual(['7-transfer', '8-credit']);
    const page = ledger.listTransactions({ accountNo: '1002', limit: 1 });
    expect(page.records.map((l) => l.key)).toEqual(['8-credit']);
    const next = ledger.listTransactions({ accountNo: '1002', limit: 1, cursor: page.nextCursor });
    expect(next).toEqual({
      records: [expect.objectContaining({ key: '7-transfer' })],
      nextCursor: undefined,
    });
  });

  it.each<[string, TransferRequest]>([
    ['txid', { ...PAY, txid: 0n }],
    ['fromAccountNo', { ...PAY, fromAccountNo: 'SBI:1001' }],
    ['toAccountNo', { ...PAY, toAccountNo: '' }],
    ['amount', { ...PAY, amount: 5 as unknown as bigint }],
  ])('throws InvalidArgument for a malformed %s and records nothing', (field, request) => {
    const before = snapshot(ledger);
    expect(thrown(() => ledger.prepareTransfer(request), InvalidArgument).field).toBe(field);
    expect(snapshot(ledger)).toEqual(before);
  });
});

describe('a transfer touching a closed account', () => {
  it.each([
    ['1001', 'account 1001 (the payer) is closed'],
    ['1002', 'account 1002 (the payee) is closed'],
  ])('votes NO ACCOUNT_CLOSED when %s is closed', (closed, detail) => {
    const dir = tempDir('closed-transfer');
    const path = join(dir.path, 'bank.db');
    try {
      const first = Ledger.open(path);
      first.importSeed(SEED);
      first.close();
      rawExec(path, `UPDATE accounts SET open = 0 WHERE account_no = '${closed}'`);
      const ledger = Ledger.open(path);
      expect(ledger.prepareTransfer(PAY)).toEqual({ vote: 'NO', reason: 'ACCOUNT_CLOSED', detail });
      expect(ledger.totals()).toMatchObject({ held: 0n, incoming: 0n });
      ledger.close();
    } finally {
      dir.remove();
    }
  });
});
