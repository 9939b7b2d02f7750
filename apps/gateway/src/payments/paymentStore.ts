import type Database from 'better-sqlite3';
import type { GroupCommit } from '@strife/sqlite';
import type { AbortReasonName, PaymentRecord } from './payment';

/** Finished payments: the history users page through, kept after their keys expire. */
export interface PaymentStore {
  /** Records a finished payment; a second save of the same txid changes nothing. */
  save(username: string, payment: PaymentRecord): Promise<void>;
  /** The newest payment `username` made with `key`. */
  byKey(username: string, key: string): Promise<PaymentRecord | undefined>;
  /** Newest first; `beforeTxid` continues a previous page. */
  list(username: string, limit: number, beforeTxid: bigint | undefined): Promise<PaymentRecord[]>;
}

interface Row {
  txid: bigint;
  idempotency_key: string;
  from_account: string;
  to_account: string;
  amount: bigint;
  status: 'COMMITTED' | 'ABORTED';
  abort_reason: AbortReasonName | null;
  reason: string;
  created_at: bigint;
}

const MAX_TXID = 9_223_372_036_854_775_807n;

export class SqlitePaymentStore implements PaymentStore {
  private readonly saveStmt;
  private readonly byKeyStmt;
  private readonly listStmt;

  /** `commits` is the group commit of `db`, shared with the gateway's other stores. */
  constructor(
    db: Database.Database,
    private readonly commits: GroupCommit,
  ) {
    this.saveStmt = db.prepare<
      [bigint, string, string, string, string, bigint, string, string | null, string, number]
    >(
      `INSERT INTO payments (txid, username, idempotency_key, from_account, to_account, amount, status, abort_reason, reason, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (txid) DO NOTHING`,
    );
    this.byKeyStmt = db.prepare<[string, string], Row>(
      'SELECT * FROM payments WHERE username = ? AND idempotency_key = ? ORDER BY txid DESC LIMIT 1',
    );
    this.listStmt = db.prepare<[string, bigint, number], Row>(
      'SELECT * FROM payments WHERE username = ? AND txid < ? ORDER BY txid DESC LIMIT ?',
    );
  }

  save(username: string, p: PaymentRecord): Promise<void> {
    if (p.status === 'PENDING') throw new Error(`payment ${p.txid} is not finished`);
    return this.commits.write(() => {
      this.saveStmt.run(
        p.txid,
        username,
        p.key,
        p.from,
        p.to,
        p.amount,
        p.status,
        p.abortReason ?? null,
        p.reason,
        p.createdAt.getTime(),
      );
    });
  }

  byKey(username: string, key: string): Promise<PaymentRecord | undefined> {
    const row = this.byKeyStmt.get(username, key);
    return Promise.resolve(row && toRecord(row));
  }

  list(username: string, limit: number, beforeTxid: bigint | undefined): Promise<PaymentRecord[]> {
    return Promise.resolve(
      this.listStmt.all(username, beforeTxid ?? MAX_TXID, limit).map(toRecord),
    );
  }
}

function toRecord(row: Row): PaymentRecord {
  return {
    key: row.idempotency_key,
    txid: row.txid,
    status: row.status,
    abortReason: row.abort_reason ?? undefined,
    reason: row.reason,
    from: row.from_account,
    to: row.to_account,
    amount: row.amount,
    createdAt: new Date(Number(row.created_at)),
  };
}
