import { join } from 'node:path';
import { MAX_BALANCE } from '@strife/domain';
import { Ledger } from '../src';
import { rawExec, tempDir } from './helpers';

const YES = { vote: 'YES' };

/** Books with a payee 100 minor units below MAX_BALANCE and a payer with some money. */
function nearTheBound(path = ':memory:'): Ledger {
  const ledger = Ledger.open(path);
  ledger.importSeed([
    { accountNo: '1', holder: 'Payee', balance: MAX_BALANCE - 100n },
    { accountNo: '2', holder: 'Payer', balance: 1_000n },
  ]);
  return ledger;
}

describe('a YES vote is a promise', () => {
  it('reserves credits at prepare, so credits that fit alone but not together are refused', () => {
    const ledger = nearTheBound();
    const votes = [1n, 2n, 3n].map((txid) =>
      ledger.prepareCredit({ txid, accountNo: '1', amount: 60n }),
    );
    expect(votes).toEqual([
      YES,
      {
        vote: 'NO',
        reason: 'INVALID_AMOUNT',
        detail:
          'crediting 0.60 could take account 1 past 10000000000000.00 (MAX_BALANCE): ' +
          'it holds 9999999999999.00 with 0.60 more already promised to it',
      },
      expect.objectContaining({ vote: 'NO', reason: 'INVALID_AMOUNT' }),
    ]);
    expect(ledger.getAccount('1')).toMatchObject({ balance: MAX_BALANCE - 100n, incoming: 60n });
    // Every leg that voted YES commits; before reservations, the second and third voted YES too
    // and their commits failed forever.
    expect(ledger.commit(1n, 'credit')).toBe('COMMITTED');
    expect(ledger.getAccount('1')).toMatchObject({ balance: MAX_BALANCE - 40n, incoming: 0n });
    ledger.close();
  });

  it('frees the reservation at abort, so a later credit fits again', () => {
    const ledger = nearTheBound();
    expect(ledger.prepareCredit({ txid: 1n, accountNo: '1', amount: 100n })).toEqual(YES);
    expect(ledger.prepareCredit({ txid: 2n, accountNo: '1', amount: 1n })).toMatchObject({
      vote: 'NO',
    });
    expect(ledger.abort(1n, 'credit')).toBe('ABORTED');
    expect(ledger.getAccount('1').incoming).toBe(0n);
    expect(ledger.prepareCredit({ txid: 3n, accountNo: '1', amount: 100n })).toEqual(YES);
    expect(ledger.commit(3n, 'credit')).toBe('COMMITTED');
    expect(ledger.getAccount('1')).toMatchObject({ balance: MAX_BALANCE, incoming: 0n });
    ledger.close();
  });

  it('does not let money on its way be spent', () => {
    const ledger = nearTheBound();
    ledger.prepareCredit({ txid: 1n, accountNo: '2', amount: 500n });
    expect(ledger.getAccount('2')).toMatchObject({ available: 1_000n, incoming: 500n });
    expect(ledger.prepareDebit({ txid: 2n, accountNo: '2', amount: 1_001n })).toMatchObject({
      vote: 'NO',
      reason: 'INSUFFICIENT_FUNDS',
    });
    ledger.close();
  });
});

describe('the books refuse, whoever writes them', () => {
  let dir: ReturnType<typeof tempDir>;
  let path: string;
  beforeEach(() => {
    dir = tempDir('bounds');
    path = join(dir.path, 'bank.db');
    nearTheBound(path).close();
  });
  afterEach(() => {
    dir.remove();
  });

  it('a balance plus incoming past MAX_BALANCE (the bound written in the schema)', () => {
    rawExec(path, `UPDATE accounts SET balance = ${MAX_BALANCE} WHERE account_no = '1'`);
    expect(() =>
      rawExec(path, `UPDATE accounts SET balance = ${MAX_BALANCE + 1n} WHERE account_no = '1'`),
    ).toThrow(/CHECK constraint/);
    expect(() => rawExec(path, "UPDATE accounts SET incoming = 1 WHERE account_no = '1'")).toThrow(
      /CHECK constraint/,
    );
  });

  it('a negative reservation, and a transfer to its own payer that voted YES', () => {
    expect(() => rawExec(path, "UPDATE accounts SET incoming = -1 WHERE account_no = '2'")).toThrow(
      /CHECK constraint/,
    );
    expect(() =>
      rawExec(
        path,
        `INSERT INTO legs (key, seq, txid, leg, account_no, to_account_no, amount, state,
                           created_at, updated_at)
         VALUES ('1-transfer', 1, 1, 'transfer', '2', '2', 5, 'PREPARED', 0, 0)`,
      ),
    ).toThrow(/CHECK constraint/);
    expect(() =>
      rawExec(
        path,
        `INSERT INTO legs (key, seq, txid, leg, account_no, to_account_no, amount, state,
                           created_at, updated_at)
         VALUES ('1-debit', 1, 1, 'debit', '2', '1', 5, 'PREPARED', 0, 0)`,
      ),
    ).toThrow(/CHECK constraint/);
  });
});
