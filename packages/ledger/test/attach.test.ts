import Database from 'better-sqlite3';
import type { CommitScheduler } from '@strife/sqlite';
import { Ledger } from '../src';
import { SEED } from './helpers';

function connection(): Database.Database {
  const db = new Database(':memory:');
  db.defaultSafeIntegers(true);
  return db;
}

describe('Ledger.attach', () => {
  it('migrates an empty connection and keeps books there', () => {
    const db = connection();
    const ledger = Ledger.attach(db);
    ledger.importSeed(SEED);
    expect(ledger.prepareDebit({ txid: 1n, accountNo: '1001', amount: 100n })).toEqual({
      vote: 'YES',
    });
    // Another Ledger on the same connection sees exactly what was committed.
    const again = Ledger.attach(db);
    expect(again.getAccount('1001').held).toBe(100n);
    expect(again.commit(1n, 'debit')).toBe('COMMITTED');
    expect(again.getAccount('1001').balance).toBe(9_900n);
    again.close();
  });

  it('runs grouped writes when its scheduler says, so a dropped ledger loses its queue', async () => {
    const db = connection();
    const pending: (() => void)[] = [];
    const scheduler: CommitScheduler = {
      soon: (run) => {
        pending.push(run);
        return () => undefined;
      },
      later: () => () => undefined,
    };
    const crashed = Ledger.attach(db, { scheduler });
    crashed.importSeed(SEED);
    void crashed.grouped(() => crashed.prepareDebit({ txid: 2n, accountNo: '1001', amount: 5n }));
    // The process dies here: its batch never runs. The next life sees nothing of it.
    const next = Ledger.attach(db);
    expect(next.getAccount('1001').held).toBe(0n);
    expect(next.inDoubt(0)).toEqual([]);
    expect(pending).toHaveLength(1);
    next.close();
    await Promise.resolve();
  });

  it('checks firstAccountNo as open does', () => {
    expect(() => Ledger.attach(connection(), { firstAccountNo: 0n })).toThrow('firstAccountNo');
  });
});
