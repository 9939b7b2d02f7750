import { join } from 'node:path';
import { LegMismatch } from '@strife/domain';
import { Ledger } from '../src';
import { SEED, tempDir } from './helpers';

describe('Ledger.grouped (group commit)', () => {
  it('answers each operation of a shared transaction as it would alone', async () => {
    const ledger = Ledger.open(':memory:');
    ledger.importSeed(SEED);
    ledger.prepareDebit({ txid: 9n, accountNo: '1002', amount: 10n });
    const results = await Promise.allSettled([
      ledger.grouped(() => ledger.prepareDebit({ txid: 1n, accountNo: '1001', amount: 700n })),
      ledger.grouped(() => ledger.prepareCredit({ txid: 1n, accountNo: '1002', amount: 700n })),
      ledger.grouped(() => ledger.prepareDebit({ txid: 9n, accountNo: '1002', amount: 11n })),
      ledger.grouped(() => ledger.prepareDebit({ txid: 2n, accountNo: '1003', amount: 1n })),
      ledger.grouped(() => ledger.commit(1n, 'debit')),
    ]);
    expect(results).toEqual([
      { status: 'fulfilled', value: { vote: 'YES' } },
      { status: 'fulfilled', value: { vote: 'YES' } },
      { status: 'rejected', reason: expect.any(LegMismatch) as unknown },
      {
        status: 'fulfilled',
        value: expect.objectContaining({ vote: 'NO', reason: 'INSUFFICIENT_FUNDS' }) as unknown,
      },
      { status: 'fulfilled', value: 'COMMITTED' },
    ]);
    expect(ledger.getAccount('1001')).toMatchObject({ balance: 9_300n, held: 0n });
    expect(ledger.getAccount('1002')).toMatchObject({ balance: 5_000n, held: 10n });
    expect(ledger.totals()).toMatchObject({ balance: 14_300n, held: 10n });
    ledger.close();
  });

  it('does not apply an operation before its batch runs, and close commits what is queued', () => {
    const dir = tempDir('grouped');
    const path = join(dir.path, 'bank.db');
    try {
      const ledger = Ledger.open(path);
      ledger.importSeed(SEED);
      const vote = ledger.grouped(() =>
        ledger.prepareDebit({ txid: 5n, accountNo: '1001', amount: 1_000n }),
      );
      expect(ledger.getAccount('1001').held).toBe(0n);
      ledger.close();
      const reopened = Ledger.open(path);
      expect(reopened.getAccount('1001').held).toBe(1_000n);
      reopened.close();
      return expect(vote).resolves.toEqual({ vote: 'YES' });
    } finally {
      dir.remove();
    }
  });
});
