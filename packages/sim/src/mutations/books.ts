import type Database from 'better-sqlite3';
import type { Ledger, LegRequest, TransferRequest } from '@strife/ledger';
import type { Mutation } from './index';

/**
 * The books a bank's 2PC operations run on. Under `no-hold` a new YES on a debit (or a
 * transfer's payer) gives the hold back in the same transaction, as a bank that forgot to
 * reserve the money would; everything else is the real ledger.
 */
export function booksFor(mutation: Mutation, ledger: Ledger, db: Database.Database): Ledger {
  if (mutation !== 'no-hold') return ledger;
  const leg = db.prepare<[string], { state: string }>('SELECT state FROM legs WHERE key = ?');
  const unhold = db.prepare<[bigint, string]>(
    'UPDATE accounts SET held = held - ? WHERE account_no = ?',
  );
  /** Runs a Prepare; if it created a PREPARED leg, releases the hold it placed. */
  const without = <T extends { vote: string }>(
    key: string,
    payer: string,
    amount: bigint,
    prepare: () => T,
  ): T => {
    const existed = leg.get(key) !== undefined;
    const vote = prepare();
    if (!existed && leg.get(key)?.state === 'PREPARED') unhold.run(amount, payer);
    return vote;
  };
  const books = Object.create(ledger) as Ledger;
  books.prepareDebit = (req: LegRequest) =>
    without(`${req.txid}-debit`, req.accountNo, req.amount, () => ledger.prepareDebit(req));
  books.prepareTransfer = (req: TransferRequest) =>
    without(`${req.txid}-transfer`, req.fromAccountNo, req.amount, () =>
      ledger.prepareTransfer(req),
    );
  return books;
}
