import { InvalidArgument, type LegKind, LegStateConflict, UnknownLeg } from '@strife/domain';
import type { Ledger } from '../src';
import { allLegs, manualClock, seededLedger, snapshot, thrown } from './helpers';

describe('commit', () => {
  let ledger: Ledger;
  let time: ReturnType<typeof manualClock>;
  beforeEach(() => {
    time = manualClock();
    ledger = seededLedger(time.clock);
  });
  afterEach(() => {
    ledger.close();
  });

  it('takes a committed debit from the balance and its hold', () => {
    ledger.prepareDebit({ txid: 1n, accountNo: '1001', amount: 2_000n });
    ledger.prepareDebit({ txid: 2n, accountNo: '1001', amount: 500n });
    expect(ledger.commit(1n, 'debit')).toBe('COMMITTED');
    expect(ledger.getAccount('1001')).toMatchObject({
      balance: 8_000n,
      held: 500n,
      available: 7_500n,
    });
  });

  it('adds a committed credit to the balance', () => {
    ledger.prepareCredit({ txid: 1n, accountNo: '1003', amount: 300n });
    expect(ledger.commit(1n, 'credit')).toBe('COMMITTED');
    expect(ledger.getAccount('1003')).toMatchObject({ balance: 300n, held: 0n, available: 300n });
  });

  it('moves a payment between accounts and conserves the total', () => {
    ledger.prepareDebit({ txid: 1n, accountNo: '1001', amount: 4_000n });
    ledger.prepareCredit({ txid: 1n, accountNo: '1002', amount: 4_000n });
    ledger.commit(1n, 'debit');
    ledger.commit(1n, 'credit');
    expect(ledger.getAccount('1001').balance).toBe(6_000n);
    expect(ledger.getAccount('1002').balance).toBe(9_000n);
    expect(ledger.totals()).toEqual({ balance: 15_000n, held: 0n, incoming: 0n, accounts: 3 });
  });

  it('records COMMITTED with the time of the commit', () => {
    ledger.prepareCredit({ txid: 1n, accountNo: '1003', amount: 300n });
    const preparedAt = time.clock();
    time.advance(1_234);
    ledger.commit(1n, 'credit');
    expect(allLegs(ledger)[0]).toMatchObject({
      state: 'COMMITTED',
      createdAt: new Date(preparedAt),
      updatedAt: new Date(preparedAt + 1_234),
    });
  });

  it.each<'debit' | 'credit'>(['debit', 'credit'])(
    'answers a repeated %s commit COMMITTED and applies it once',
    (leg) => {
      const req = { txid: 1n, accountNo: '1002', amount: 1_000n };
      if (leg === 'debit') ledger.prepareDebit(req);
      else ledger.prepareCredit(req);
      ledger.commit(1n, leg);
      const before = snapshot(ledger);
      time.advance(10);
      expect(ledger.commit(1n, leg)).toBe('COMMITTED');
      expect(snapshot(ledger)).toEqual(before);
    },
  );

  it('refuses to commit a leg the coordinator aborted, and changes nothing', () => {
    ledger.prepareDebit({ txid: 1n, accountNo: '1001', amount: 1_000n });
    ledger.abort(1n, 'debit');
    const before = snapshot(ledger);
    const err = thrown(() => ledger.commit(1n, 'debit'), LegStateConflict);
    expect(err).toMatchObject({ key: '1-debit', state: 'ABORTED', attempted: 'commit' });
    expect(snapshot(ledger)).toEqual(before);
  });

  it('refuses to commit a leg that voted NO', () => {
    ledger.prepareDebit({ txid: 1n, accountNo: '1003', amount: 1n });
    const before = snapshot(ledger);
    expect(() => ledger.commit(1n, 'debit')).toThrow(LegStateConflict);
    expect(snapshot(ledger)).toEqual(before);
  });

  it('refuses to commit a presumed-abort tombstone', () => {
    ledger.abort(1n, 'credit');
    expect(() => ledger.commit(1n, 'credit')).toThrow(LegStateConflict);
  });

  it('throws UnknownLeg for a leg never prepared and records nothing', () => {
    ledger.prepareDebit({ txid: 1n, accountNo: '1001', amount: 1n });
    const before = snapshot(ledger);
    const err = thrown(() => ledger.commit(1n, 'credit'), UnknownLeg);
    expect(err.key).toBe('1-credit');
    expect(snapshot(ledger)).toEqual(before);
    expect(ledger.prepareCredit({ txid: 1n, accountNo: '1002', amount: 1n })).toEqual({
      vote: 'YES',
    });
  });
});

describe('abort', () => {
  let ledger: Ledger;
  beforeEach(() => {
    ledger = seededLedger();
  });
  afterEach(() => {
    ledger.close();
  });

  it('releases the hold of a PREPARED debit and leaves the balance', () => {
    ledger.prepareDebit({ txid: 1n, accountNo: '1002', amount: 5_000n });
    expect(ledger.abort(1n, 'debit')).toBe('ABORTED');
    expect(ledger.getAccount('1002')).toMatchObject({
      balance: 5_000n,
      held: 0n,
      available: 5_000n,
    });
    expect(allLegs(ledger)[0]).toMatchObject({ key: '1-debit', state: 'ABORTED' });
    expect(allLegs(ledger)[0]).not.toHaveProperty('reason');
  });

  it('aborts a PREPARED credit without moving money', () => {
    ledger.prepareCredit({ txid: 1n, accountNo: '1003', amount: 50n });
    expect(ledger.abort(1n, 'credit')).toBe('ABORTED');
    expect(ledger.getAccount('1003')).toMatchObject({ balance: 0n, held: 0n });
  });

  it('answers a repeated abort ABORTED and releases the hold once', () => {
    ledger.prepareDebit({ txid: 1n, accountNo: '1001', amount: 100n });
    ledger.prepareDebit({ txid: 2n, accountNo: '1001', amount: 200n });
    ledger.abort(1n, 'debit');
    const before = snapshot(ledger);
    expect(ledger.abort(1n, 'debit')).toBe('ABORTED');
    expect(snapshot(ledger)).toEqual(before);
    expect(ledger.getAccount('1001').held).toBe(200n);
  });

  it('answers ABORTED for a leg that voted NO, changing nothing', () => {
    ledger.prepareDebit({ txid: 1n, accountNo: '1003', amount: 1n });
    const before = snapshot(ledger);
    expect(ledger.abort(1n, 'debit')).toBe('ABORTED');
    expect(snapshot(ledger)).toEqual(before);
  });

  it('refuses to abort a committed leg, and changes nothing', () => {
    ledger.prepareDebit({ txid: 1n, accountNo: '1001', amount: 100n });
    ledger.commit(1n, 'debit');
    const before = snapshot(ledger);
    const err = thrown(() => ledger.abort(1n, 'debit'), LegStateConflict);
    expect(err).toMatchObject({ key: '1-debit', state: 'COMMITTED', attempted: 'abort' });
    expect(snapshot(ledger)).toEqual(before);
  });

  describe('of a leg never prepared (presumed abort)', () => {
    it('records a tombstone so a late prepare votes NO ALREADY_ABORTED', () => {
      expect(ledger.abort(5n, 'debit')).toBe('ABORTED');
      const before = snapshot(ledger);
      const late = ledger.prepareDebit({ txid: 5n, accountNo: '1001', amount: 100n });
      expect(late).toEqual({
        vote: 'NO',
        reason: 'ALREADY_ABORTED',
        detail: 'leg 5-debit was aborted before it was prepared',
      });
      expect(snapshot(ledger)).toEqual(before);
      expect(ledger.getAccount('1001').held).toBe(0n);
    });

    it('refuses every late prepare for that key, whatever it asks', () => {
      ledger.abort(6n, 'credit');
      for (const amount of [1n, 99n, 0n]) {
        expect(ledger.prepareCredit({ txid: 6n, accountNo: '1002', amount })).toMatchObject({
          vote: 'NO',
          reason: 'ALREADY_ABORTED',
        });
      }
    });

    it('answers a repeated abort ABORTED', () => {
      ledger.abort(7n, 'debit');
      expect(ledger.abort(7n, 'debit')).toBe('ABORTED');
    });

    it('affects only that leg of the txid', () => {
      ledger.abort(8n, 'credit');
      expect(ledger.prepareDebit({ txid: 8n, accountNo: '1001', amount: 1n })).toEqual({
        vote: 'YES',
      });
    });

    it('names no account, so it is not listed as a transaction', () => {
      ledger.abort(9n, 'debit');
      expect(allLegs(ledger)).toEqual([]);
      expect(ledger.inDoubt(0)).toEqual([]);
    });
  });
});

describe.each(['commit', 'abort'] as const)('%s input checks', (operation) => {
  it.each<[string, bigint, string]>([
    ['txid', 0n, 'debit'],
    ['txid', -3n, 'credit'],
    ['leg', 1n, 'sideways'],
  ])('throws InvalidArgument for a bad %s and records nothing', (field, txid, leg) => {
    const ledger = seededLedger();
    const before = snapshot(ledger);
    const err = thrown(() => ledger[operation](txid, leg as LegKind), InvalidArgument);
    expect(err.field).toBe(field);
    expect(snapshot(ledger)).toEqual(before);
    ledger.close();
  });
});
