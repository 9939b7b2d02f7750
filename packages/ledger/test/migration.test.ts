import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Internal, MAX_BALANCE } from '@strife/domain';
import { Ledger } from '../src';
import { allLegs, rawExec, tempDir, thrown } from './helpers';

const V1_SCHEMA = readFileSync(join(__dirname, 'fixtures', 'ledger-v1.sql'), 'utf8');

/** Writes a ledger file as version 1 left it: seeded books, a registration and legs in every state. */
function writeVersion1(path: string, aliceBalance = 10_000n): void {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.exec(V1_SCHEMA);
    db.exec(`
      INSERT INTO accounts (account_no, holder, balance, held, created_at) VALUES
        ('1001', 'Alice', ${aliceBalance}, 700, 1000),
        ('1002', 'Bob', 5300, 0, 1000),
        ('1003', 'Dev', 42, 0, 2000);
      INSERT INTO account_requests (request_id, account_no, holder, initial_deposit, created_at)
        VALUES ('r1', '1003', 'Dev', 42, 2000);
      INSERT INTO legs (key, seq, txid, leg, account_no, amount, state, vote_reason, vote_detail,
                        created_at, updated_at) VALUES
        ('1-debit',  1, 1, 'debit',  '1001', 300, 'COMMITTED', NULL, NULL, 3000, 3100),
        ('1-credit', 2, 1, 'credit', '1002', 300, 'COMMITTED', NULL, NULL, 3000, 3100),
        ('2-debit',  3, 2, 'debit',  '1001', 700, 'PREPARED',  NULL, NULL, 4000, 4000),
        ('2-credit', 4, 2, 'credit', '1002', 700, 'PREPARED',  NULL, NULL, 4000, 4000),
        ('3-debit',  5, 3, 'debit',  '1003', 99,  'ABORTED', 'INSUFFICIENT_FUNDS', 'short', 5000, 5000),
        ('4-credit', 6, 4, 'credit', NULL,   NULL, 'ABORTED', NULL, NULL, 6000, 6000);
    `);
    db.pragma('user_version = 1');
  } finally {
    db.close();
  }
}

describe('a version-1 ledger file', () => {
  let dir: ReturnType<typeof tempDir>;
  let path: string;
  beforeEach(() => {
    dir = tempDir('v1');
    path = join(dir.path, 'bank.db');
  });
  afterEach(() => {
    dir.remove();
  });

  it('upgrades in place: data intact, prepared credits reserved, transfers possible', () => {
    writeVersion1(path);
    const ledger = Ledger.open(path, { clock: () => 9_000 });
    try {
      expect(ledger.getAccount('1001')).toMatchObject({
        balance: 10_000n,
        held: 700n,
        incoming: 0n,
      });
      expect(ledger.getAccount('1002')).toMatchObject({
        balance: 5_300n,
        held: 0n,
        incoming: 700n,
      });
      expect(
        ledger.openAccount({ requestId: 'r1', holder: 'Dev', initialDeposit: 42n }),
      ).toMatchObject({
        accountNo: '1003',
        balance: 42n,
      });
      expect(allLegs(ledger).map((l) => [l.key, l.state, l.reason])).toEqual([
        ['3-debit', 'ABORTED', 'INSUFFICIENT_FUNDS'],
        ['2-credit', 'PREPARED', undefined],
        ['2-debit', 'PREPARED', undefined],
        ['1-credit', 'COMMITTED', undefined],
        ['1-debit', 'COMMITTED', undefined],
      ]);
      expect(allLegs(ledger)[1]).not.toHaveProperty('toAccountNo');
      expect(ledger.inDoubt(0).map((l) => l.key)).toEqual(['2-debit', '2-credit']);
      // The tombstone still refuses its late prepare.
      expect(ledger.prepareCredit({ txid: 4n, accountNo: '1002', amount: 1n })).toMatchObject({
        reason: 'ALREADY_ABORTED',
      });
      // The in-doubt payment finishes: the reserved credit lands.
      expect(ledger.commit(2n, 'debit')).toBe('COMMITTED');
      expect(ledger.commit(2n, 'credit')).toBe('COMMITTED');
      expect(ledger.totals()).toEqual({ balance: 15_342n, held: 0n, incoming: 0n, accounts: 3 });
      expect(
        ledger.prepareTransfer({
          txid: 5n,
          fromAccountNo: '1002',
          toAccountNo: '1003',
          amount: 8n,
        }),
      ).toEqual({ vote: 'YES' });
      expect(ledger.commit(5n, 'transfer')).toBe('COMMITTED');
      expect(ledger.getAccount('1003').balance).toBe(50n);
    } finally {
      ledger.close();
    }
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    db.close();
    // The upgraded file keeps the invariant CHECKs of both versions.
    expect(() =>
      rawExec(path, "UPDATE accounts SET held = 1000000 WHERE account_no = '1001'"),
    ).toThrow(/CHECK constraint/);
    expect(() => rawExec(path, "UPDATE legs SET key = '9-debit' WHERE key = '1-debit'")).toThrow(
      /CHECK constraint/,
    );
  });

  it('is refused, unchanged, when a balance is past MAX_BALANCE, naming the account', () => {
    writeVersion1(path, MAX_BALANCE + 1n);
    const err = thrown(() => Ledger.open(path), Internal);
    expect(err.message).toContain('account 1001 holds 10000000000000.01');
    expect(err.message).toContain('MAX_BALANCE');
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(
      db.prepare("SELECT balance FROM accounts WHERE account_no = '1001'").safeIntegers().get(),
    ).toEqual({ balance: MAX_BALANCE + 1n });
    db.close();
  });
});
