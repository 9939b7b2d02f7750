import { type Decision, InvalidArgument, type LegKind } from '@strife/domain';
import { Ledger } from '@strife/ledger';
import { InDoubtResolver } from '../src/inDoubtResolver';
import { BOOKS, capturingLogger } from './inProcess';

/** Books with legs left PREPARED: 1 and 3 debits of 2001, 2 a transfer 2001 → 2002, 4 a credit. */
function booksInDoubt(): Ledger {
  const ledger = Ledger.open(':memory:');
  ledger.importSeed(BOOKS);
  ledger.prepareDebit({ txid: 1n, accountNo: '2001', amount: 100n });
  ledger.prepareTransfer({ txid: 2n, fromAccountNo: '2001', toAccountNo: '2002', amount: 300n });
  ledger.prepareDebit({ txid: 3n, accountNo: '2001', amount: 500n });
  ledger.prepareCredit({ txid: 4n, accountNo: '2002', amount: 700n });
  return ledger;
}

/** The ledger, except that committing or aborting `txid` fails (a bad leg). */
function failingFor(ledger: Ledger, txid: bigint): Pick<Ledger, 'inDoubt' | 'commit' | 'abort'> {
  const refuse = (leg: LegKind) => new Error(`disk says no to ${txid}-${leg}`);
  return {
    inDoubt: (ms) => ledger.inDoubt(ms),
    commit: (t, leg) => {
      if (t === txid) throw refuse(leg);
      return ledger.commit(t, leg);
    },
    abort: (t, leg) => {
      if (t === txid) throw refuse(leg);
      return ledger.abort(t, leg);
    },
  };
}

const DECISIONS = new Map<bigint, Decision>([
  [1n, 'ABORT'],
  [2n, 'COMMIT'],
  [3n, 'ABORT'],
  [4n, 'COMMIT'],
]);

function resolver(
  ledger: Pick<Ledger, 'inDoubt' | 'commit' | 'abort'>,
  resolve: (txid: bigint) => Promise<Decision>,
) {
  const log = capturingLogger();
  const instance = new InDoubtResolver({
    ledger,
    resolve,
    logger: log.logger,
    inDoubtAfterMs: 0,
    intervalMs: 1_000,
  });
  return { instance, lines: log.lines };
}

const decide = (txid: bigint) => Promise.resolve(DECISIONS.get(txid) ?? 'ABORT');

describe('InDoubtResolver.runOnce', () => {
  it('applies each decision, transfers included', async () => {
    const ledger = booksInDoubt();
    const { instance } = resolver(ledger, decide);
    await expect(instance.runOnce()).resolves.toEqual({ settled: 4, failed: 0 });
    expect(ledger.inDoubt(0)).toEqual([]);
    expect(ledger.getAccount('2001')).toMatchObject({ balance: 99_700n, held: 0n });
    expect(ledger.getAccount('2002')).toMatchObject({ balance: 6_000n, incoming: 0n });
    ledger.close();
  });

  it('skips a leg that cannot be resolved, says so loudly, and resolves the rest', async () => {
    const ledger = booksInDoubt();
    const { instance, lines } = resolver(failingFor(ledger, 1n), decide);
    await expect(instance.runOnce()).resolves.toEqual({ settled: 3, failed: 1 });
    // The orphaned hold of txid 3, after the bad leg, is released in the same pass.
    expect(ledger.inDoubt(0).map((l) => l.key)).toEqual(['1-debit']);
    expect(ledger.getAccount('2001')).toMatchObject({ balance: 99_700n, held: 100n });
    const errors = lines().filter((l) => l.level === 50);
    expect(errors).toEqual([
      expect.objectContaining({
        txid: '1',
        leg: 'debit',
        account: '2001',
        amount: '1.00',
        err: expect.objectContaining({ message: 'disk says no to 1-debit' }) as unknown,
        msg: expect.stringContaining('cannot resolve in-doubt leg') as unknown,
      }),
    ]);
    ledger.close();
  });

  it('skips the legs of a txid whose answer it cannot read, and resolves the rest', async () => {
    const ledger = booksInDoubt();
    const { instance, lines } = resolver(ledger, (txid) =>
      txid === 2n
        ? Promise.reject(new InvalidArgument('decision', 'must be one of …; got 7'))
        : decide(txid),
    );
    await expect(instance.runOnce()).resolves.toEqual({ settled: 3, failed: 1 });
    expect(ledger.inDoubt(0).map((l) => l.key)).toEqual(['2-transfer']);
    expect(lines().filter((l) => l.level === 50)).toEqual([
      expect.objectContaining({ txid: '2', leg: 'transfer', account: '2001', toAccount: '2002' }),
    ]);
    ledger.close();
  });

  it('stops the pass when the coordinator cannot be reached, keeping what it settled', async () => {
    const ledger = booksInDoubt();
    const { instance } = resolver(ledger, (txid) =>
      txid === 3n ? Promise.reject(new Error('14 UNAVAILABLE: connection refused')) : decide(txid),
    );
    await expect(instance.runOnce()).rejects.toThrow('UNAVAILABLE');
    expect(ledger.inDoubt(0).map((l) => l.key)).toEqual(['3-debit', '4-credit']);
    ledger.close();
  });
});
