import { InvalidArgument } from '@strife/domain';
import type { Ledger, LegRecord } from '../src';
import { allLegs, manualClock, seededLedger, thrown } from './helpers';

function keys(records: readonly LegRecord[]): string[] {
  return records.map((r) => r.key);
}

describe('listTransactions', () => {
  let ledger: Ledger;
  beforeEach(() => {
    ledger = seededLedger();
  });
  afterEach(() => {
    ledger.close();
  });

  /** Payments 1..n from Alice to Bob, each prepared debit-then-credit. */
  function pay(from: number, to: number): void {
    for (let i = from; i <= to; i++) {
      ledger.prepareDebit({ txid: BigInt(i), accountNo: '1001', amount: 1n });
      ledger.prepareCredit({ txid: BigInt(i), accountNo: '1002', amount: 1n });
    }
  }

  it('lists newest first with a default page of 100', () => {
    pay(1, 60);
    const page = ledger.listTransactions({});
    expect(page.records).toHaveLength(100);
    expect(keys(page.records).slice(0, 3)).toEqual(['60-credit', '60-debit', '59-credit']);
    expect(page.nextCursor).toBeDefined();
  });

  it('pages through every leg exactly once and ends without a cursor', () => {
    pay(1, 10);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = ledger.listTransactions({ limit: 4, ...(cursor ? { cursor } : {}) });
      seen.push(...keys(page.records));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== undefined);
    expect(pages).toBe(5);
    expect(seen).toEqual(keys(allLegs(ledger)));
    expect(new Set(seen).size).toBe(20);
  });

  it('gives no cursor when the last page is exactly full', () => {
    pay(1, 2);
    expect(ledger.listTransactions({ limit: 4 }).nextCursor).toBeUndefined();
  });

  it('stays stable while new legs arrive and listed legs change state', () => {
    pay(1, 5);
    const first = ledger.listTransactions({ limit: 4 });
    pay(6, 8);
    ledger.commit(2n, 'debit');
    ledger.abort(3n, 'credit');
    const rest: string[] = [];
    let cursor = first.nextCursor;
    while (cursor !== undefined) {
      const page = ledger.listTransactions({ limit: 4, cursor });
      rest.push(...keys(page.records));
      cursor = page.nextCursor;
    }
    expect(keys(first.records)).toEqual(['5-credit', '5-debit', '4-credit', '4-debit']);
    expect(rest).toEqual(['3-credit', '3-debit', '2-credit', '2-debit', '1-credit', '1-debit']);
    expect(ledger.listTransactions({ limit: 1 }).records[0]?.key).toBe('8-credit');
  });

  it('shows current states and NO reasons', () => {
    ledger.prepareDebit({ txid: 1n, accountNo: '1003', amount: 5n });
    ledger.prepareCredit({ txid: 1n, accountNo: '1002', amount: 5n });
    ledger.abort(1n, 'credit');
    expect(ledger.listTransactions({}).records).toEqual([
      expect.objectContaining({ key: '1-credit', state: 'ABORTED' }),
      expect.objectContaining({ key: '1-debit', state: 'ABORTED', reason: 'INSUFFICIENT_FUNDS' }),
    ]);
  });

  it('filters by account', () => {
    pay(1, 3);
    ledger.prepareCredit({ txid: 4n, accountNo: '1003', amount: 9n });
    const bob = ledger.listTransactions({ accountNo: '1002', limit: 2 });
    expect(keys(bob.records)).toEqual(['3-credit', '2-credit']);
    const next = ledger.listTransactions({ accountNo: '1002', limit: 2, cursor: bob.nextCursor });
    expect(keys(next.records)).toEqual(['1-credit']);
    expect(next.nextCursor).toBeUndefined();
    expect(keys(ledger.listTransactions({ accountNo: '1003' }).records)).toEqual(['4-credit']);
    expect(ledger.listTransactions({ accountNo: '4444' })).toEqual({
      records: [],
      nextCursor: undefined,
    });
  });

  it('returns an empty last page for empty books', () => {
    expect(ledger.listTransactions({})).toEqual({ records: [], nextCursor: undefined });
  });

  it.each([0, 1001, 2.5, -1, Number.NaN])('refuses limit %s', (limit) => {
    const err = thrown(() => ledger.listTransactions({ limit }), InvalidArgument);
    expect(err.field).toBe('limit');
  });

  it('accepts limits 1 and 1000', () => {
    pay(1, 1);
    expect(ledger.listTransactions({ limit: 1 }).records).toHaveLength(1);
    expect(ledger.listTransactions({ limit: 1000 }).records).toHaveLength(2);
  });

  it.each(['', 'garbage', Buffer.from('seq:-4').toString('base64url'), 'c2VxOjA'])(
    'refuses the cursor %j',
    (cursor) => {
      const err = thrown(() => ledger.listTransactions({ cursor }), InvalidArgument);
      expect(err.field).toBe('cursor');
    },
  );

  it('refuses a malformed account number', () => {
    const err = thrown(() => ledger.listTransactions({ accountNo: 'SBI:1' }), InvalidArgument);
    expect(err.field).toBe('accountNo');
  });
});

describe('inDoubt', () => {
  it('returns PREPARED legs older than the threshold, oldest first', () => {
    const time = manualClock(1_000_000);
    const ledger = seededLedger(time.clock);
    ledger.prepareDebit({ txid: 1n, accountNo: '1001', amount: 1n });
    time.advance(1_000);
    ledger.prepareCredit({ txid: 2n, accountNo: '1002', amount: 1n });
    ledger.prepareDebit({ txid: 3n, accountNo: '1001', amount: 1n });
    ledger.commit(3n, 'debit');
    ledger.prepareDebit({ txid: 4n, accountNo: '1001', amount: 1n });
    ledger.abort(4n, 'debit');
    ledger.prepareDebit({ txid: 5n, accountNo: '1003', amount: 1n });
    time.advance(1_000);
    ledger.prepareCredit({ txid: 6n, accountNo: '1003', amount: 1n });

    expect(keys(ledger.inDoubt(0))).toEqual(['1-debit', '2-credit', '6-credit']);
    expect(keys(ledger.inDoubt(1_000))).toEqual(['1-debit', '2-credit']);
    expect(keys(ledger.inDoubt(1_001))).toEqual(['1-debit']);
    expect(keys(ledger.inDoubt(2_001))).toEqual([]);
    expect(ledger.inDoubt(2_000)[0]).toMatchObject({
      txid: 1n,
      leg: 'debit',
      accountNo: '1001',
      amount: 1n,
      state: 'PREPARED',
      createdAt: new Date(1_000_000),
    });
    time.advance(5_000);
    expect(keys(ledger.inDoubt(5_000))).toEqual(['1-debit', '2-credit', '6-credit']);
    ledger.close();
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('refuses olderThanMs %s', (ms) => {
    const ledger = seededLedger();
    const err = thrown(() => ledger.inDoubt(ms), InvalidArgument);
    expect(err.field).toBe('olderThanMs');
    ledger.close();
  });
});
