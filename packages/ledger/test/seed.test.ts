import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgument, MAX_BALANCE } from '@strife/domain';
import { Ledger } from '../src';
import { SEED, seededLedger, tempDir, thrown } from './helpers';

describe('importSeed', () => {
  it('imports every row into empty books as open accounts with no holds', () => {
    const ledger = Ledger.open(':memory:');
    expect(ledger.importSeed(SEED)).toEqual({ imported: 3 });
    expect(ledger.getAccount('1002')).toEqual({
      accountNo: '1002',
      holder: 'Bob',
      balance: 5_000n,
      held: 0n,
      incoming: 0n,
      available: 5_000n,
      open: true,
    });
    expect(ledger.totals()).toEqual({ balance: 15_000n, held: 0n, incoming: 0n, accounts: 3 });
    ledger.close();
  });

  it('imports nothing and never overwrites once the books have accounts', () => {
    const ledger = seededLedger();
    ledger.prepareDebit({ txid: 1n, accountNo: '1001', amount: 100n });
    const again = [
      { accountNo: '1001', holder: 'Mallory', balance: 1n },
      { accountNo: '7777', holder: 'New', balance: 9n },
    ];
    expect(ledger.importSeed(again)).toEqual({ imported: 0 });
    expect(ledger.getAccount('1001')).toMatchObject({ holder: 'Alice', balance: 10_000n });
    expect(ledger.totals()).toEqual({ balance: 15_000n, held: 100n, incoming: 0n, accounts: 3 });
    ledger.close();
  });

  it('imports nothing into books that opened an account first', () => {
    const ledger = Ledger.open(':memory:');
    ledger.openAccount({ requestId: 'r', holder: 'H', initialDeposit: 5n });
    expect(ledger.importSeed(SEED)).toEqual({ imported: 0 });
    expect(ledger.totals()).toEqual({ balance: 5n, held: 0n, incoming: 0n, accounts: 1 });
    ledger.close();
  });

  it.each([
    ['rows[1].accountNo', [SEED[0], { accountNo: 'x1', holder: 'H', balance: 0n }]],
    ['rows[1].accountNo', [SEED[0], { ...SEED[1], accountNo: '1001' }]],
    ['rows[0].holder', [{ accountNo: '1', holder: ' ', balance: 0n }]],
    ['rows[2].balance', [SEED[0], SEED[1], { ...SEED[2], balance: -1n }]],
    ['rows[1].balance', [SEED[0], { ...SEED[1], balance: MAX_BALANCE + 1n }]],
  ])('refuses a bad row naming %s and imports nothing', (field, rows) => {
    const ledger = Ledger.open(':memory:');
    const err = thrown(() => ledger.importSeed(rows), InvalidArgument);
    expect(err.field).toBe(field);
    expect(ledger.totals().accounts).toBe(0);
    ledger.close();
  });

  it('imports zero rows as zero', () => {
    const ledger = Ledger.open(':memory:');
    expect(ledger.importSeed([])).toEqual({ imported: 0 });
    ledger.close();
  });
});

describe('importSeedCsv', () => {
  let dir: ReturnType<typeof tempDir>;
  let ledger: Ledger;
  beforeEach(() => {
    dir = tempDir('seed');
    ledger = Ledger.open(':memory:');
  });
  afterEach(() => {
    ledger.close();
    dir.remove();
  });

  function csv(text: string): string {
    const path = join(dir.path, 'bank.csv');
    writeFileSync(path, text);
    return path;
  }

  it('reads decimal balances into minor units', () => {
    const path = csv('account_no,holder,balance\n1001,Alice Rao,10000.00\n1003,Farhan,2500.5\n');
    expect(ledger.importSeedCsv(path)).toEqual({ imported: 2 });
    expect(ledger.getAccount('1001').balance).toBe(1_000_000n);
    expect(ledger.getAccount('1003')).toMatchObject({ holder: 'Farhan', balance: 250_050n });
  });

  it('imports the repository seed for ICICI', () => {
    const path = join(__dirname, '..', '..', '..', 'config', 'seed', 'ICICI.csv');
    expect(ledger.importSeedCsv(path)).toEqual({ imported: 4 });
    expect(ledger.getAccount('1003')).toMatchObject({ holder: 'Farhan Sheikh', balance: 250_050n });
    expect(ledger.totals().balance).toBe(1_750_050n);
  });

  it('accepts quotes, CRLF, a byte-order mark, blank lines and spaces around fields', () => {
    const path = csv(
      '\uFEFFaccount_no,holder,balance\r\n\r\n 2001 , "Rao, Alice" , 1.00\r\n2002,"Say ""hi""",0\r\n\r\n',
    );
    expect(ledger.importSeedCsv(path)).toEqual({ imported: 2 });
    expect(ledger.getAccount('2001')).toMatchObject({ holder: 'Rao, Alice', balance: 100n });
    expect(ledger.getAccount('2002').holder).toBe('Say "hi"');
  });

  it.each([
    ['line 1', '', 'the file is empty'],
    ['line 1', 'acct,holder,balance\n1,A,1\n', 'header'],
    ['line 3 balance', 'account_no,holder,balance\n1,A,1.00\n2,B,12.345\n', '12.345'],
    ['line 2 balance', 'account_no,holder,balance\n1,A,-5\n', '-5'],
    ['line 2 balance', 'account_no,holder,balance\n1,A,\n', 'not an amount'],
    ['line 3 account_no', 'account_no,holder,balance\n\n2x,A,1\n', '2x'],
    ['line 3 account_no', 'account_no,holder,balance\n7,A,1\n7,B,2\n', 'already on line 2'],
    ['line 2 holder', 'account_no,holder,balance\n1,  ,1\n', 'empty'],
    ['line 2', 'account_no,holder,balance\n1,A\n', 'expected 3 fields, found 2'],
    ['line 2', 'account_no,holder,balance\n1,A,1,extra\n', 'expected 3 fields, found 4'],
    ['line 2', 'account_no,holder,balance\n1,"A,1\n', 'unterminated quote'],
    ['line 2', 'account_no,holder,balance\n1,"A"x,1\n', 'after a closing quote'],
    [
      'line 3 balance',
      'account_no,holder,balance\n1,A,10000000000000.00\n2,B,10000000000000.01\n',
      'must be at most 1000000000000000 minor units (10000000000000.00), the most one account may hold (MAX_BALANCE)',
    ],
  ])('refuses a malformed file naming %s', (where, text, problem) => {
    const path = csv(text);
    const err = thrown(() => ledger.importSeedCsv(path), InvalidArgument);
    expect(err.field).toBe(`${path} ${where}`);
    expect(err.message).toContain(problem);
    expect(ledger.totals().accounts).toBe(0);
  });

  it('does not read the file once the books have accounts', () => {
    ledger.importSeed(SEED);
    expect(ledger.importSeedCsv(join(dir.path, 'missing.csv'))).toEqual({ imported: 0 });
    expect(ledger.importSeedCsv(csv('garbage'))).toEqual({ imported: 0 });
    expect(ledger.totals()).toEqual({ balance: 15_000n, held: 0n, incoming: 0n, accounts: 3 });
  });
});
