import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SchemaTooNew } from '@strife/sqlite';
import { Ledger } from '../src';
import { openDatabase } from '../src/database';
import { allLegs, manualClock, rawExec, SEED, snapshot, tempDir, thrown } from './helpers';

describe('a ledger file', () => {
  let dir: ReturnType<typeof tempDir>;
  let path: string;
  beforeEach(() => {
    dir = tempDir('file');
    path = join(dir.path, 'bank.db');
  });
  afterEach(() => {
    dir.remove();
  });

  it('keeps accounts, holds, legs, tombstones and request ids across a reopen', () => {
    const time = manualClock();
    const first = Ledger.open(path, { clock: time.clock });
    first.importSeed(SEED);
    const opened = first.openAccount({ requestId: 'r1', holder: 'Dev', initialDeposit: 42n });
    first.prepareDebit({ txid: 1n, accountNo: '1001', amount: 700n });
    first.prepareCredit({ txid: 1n, accountNo: '1002', amount: 700n });
    first.commit(1n, 'debit');
    first.prepareDebit({ txid: 2n, accountNo: '1002', amount: 9_999_999n });
    first.prepareDebit({ txid: 3n, accountNo: '1002', amount: 100n });
    first.abort(4n, 'debit');
    const before = snapshot(first);
    first.close();

    time.advance(60_000);
    const again = Ledger.open(path, { clock: time.clock });
    expect(snapshot(again)).toEqual(before);
    expect(again.getAccount('1002')).toMatchObject({ balance: 5_000n, held: 100n });
    expect(again.openAccount({ requestId: 'r1', holder: 'Dev', initialDeposit: 42n })).toEqual(
      opened,
    );
    expect(
      again.openAccount({ requestId: 'r2', holder: 'Eve', initialDeposit: 0n }).accountNo,
    ).toBe('1005');
    expect(again.importSeed(SEED)).toEqual({ imported: 0 });
    expect(again.prepareDebit({ txid: 4n, accountNo: '1001', amount: 1n })).toMatchObject({
      reason: 'ALREADY_ABORTED',
    });
    expect(again.prepareDebit({ txid: 2n, accountNo: '1002', amount: 9_999_999n })).toMatchObject({
      reason: 'INSUFFICIENT_FUNDS',
    });
    expect(again.commit(1n, 'credit')).toBe('COMMITTED');
    expect(again.totals()).toEqual({ balance: 15_042n, held: 100n, incoming: 0n, accounts: 5 });
    expect(again.inDoubt(60_000).map((r) => r.key)).toEqual(['3-debit']);
    expect(allLegs(again).map((r) => r.key)).toEqual(['3-debit', '2-debit', '1-credit', '1-debit']);
    again.close();
  });

  it('is in WAL mode and records its schema version', () => {
    Ledger.open(path).close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    db.close();
  });

  it('opens durable: WAL, synchronous=FULL, foreign keys on, integers as bigint', () => {
    const db = openDatabase(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2n);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1n);
    expect(db.prepare('SELECT 1 AS one').get()).toEqual({ one: 1n });
    db.close();
  });

  it('refuses a file written by a newer schema', () => {
    Ledger.open(path).close();
    rawExec(path, 'PRAGMA user_version = 99');
    const err = thrown(() => Ledger.open(path), SchemaTooNew);
    expect(err).toMatchObject({ found: 99, supported: 2 });
    expect(err.message).toContain('schema version 99');
  });

  it('rejects a write that would break an invariant, whoever attempts it', () => {
    const ledger = Ledger.open(path);
    ledger.importSeed(SEED);
    ledger.close();
    expect(() =>
      rawExec(path, "UPDATE accounts SET held = 20000 WHERE account_no = '1001'"),
    ).toThrow(/CHECK constraint/);
    expect(() =>
      rawExec(path, "UPDATE accounts SET balance = -1 WHERE account_no = '1003'"),
    ).toThrow(/CHECK constraint/);
  });
});
