import type Database from 'better-sqlite3';
import { recordOf, type TxRow } from '@strife/coordinator';
import type { OpenTransaction, OpsView, RecentDecision } from '../opsView';
import { type Row as PaymentRow, toRecord } from './payments';

type TxWithOwner = TxRow & { owner: string | null; lease_until: bigint | null };

/** The operator's queries on `gateway.db`. */
export class SqliteOpsView implements OpsView {
  private readonly s;

  constructor(
    db: Database.Database,
    private readonly now: () => number = Date.now,
  ) {
    this.s = {
      open: db.prepare<[number], TxWithOwner>(
        'SELECT * FROM transactions WHERE done_at IS NULL ORDER BY txid LIMIT ?',
      ),
      recent: db.prepare<[number], TxWithOwner>(
        'SELECT * FROM transactions WHERE decision IS NOT NULL ORDER BY decided_at DESC, txid DESC LIMIT ?',
      ),
      payment: db.prepare<[bigint], PaymentRow & { username: string }>(
        'SELECT * FROM payments WHERE txid = ?',
      ),
      payers: db.prepare<[string, number], { username: string }>(
        'SELECT username FROM payments WHERE idem_key = ? LIMIT ?',
      ),
      owner: db.prepare<[bigint], { owner: string | null; lease_until: bigint | null }>(
        'SELECT owner, lease_until FROM transactions WHERE txid = ?',
      ),
    };
  }

  openTransactions(limit: number): Promise<OpenTransaction[]> {
    return Promise.resolve(
      this.s.open.all(limit).map((row) => ({
        txid: row.txid,
        state: recordOf(row, []).state,
        owner: this.holder(row),
        createdAt: Number(row.created_at),
      })),
    );
  }

  recentDecisions(limit: number): Promise<RecentDecision[]> {
    return Promise.resolve(
      this.s.recent.all(limit).flatMap((row) => {
        const record = recordOf(row, []);
        if (record.decision === undefined) return [];
        return [
          {
            txid: row.txid,
            decision: record.decision,
            cause: record.cause,
            decidedAt: record.decidedAt ?? 0,
          },
        ];
      }),
    );
  }

  paymentByTxid(
    txid: bigint,
  ): Promise<{ username: string; payment: ReturnType<typeof toRecord> } | undefined> {
    const row = this.s.payment.get(txid);
    return Promise.resolve(row && { username: row.username, payment: toRecord(row) });
  }

  payersOfKey(key: string, limit: number): Promise<string[]> {
    return Promise.resolve(this.s.payers.all(key, limit).map((row) => row.username));
  }

  ownerOf(txid: bigint): Promise<string | undefined> {
    const row = this.s.owner.get(txid);
    return Promise.resolve(row && this.holder(row));
  }

  /** Whose lease is live (on this process's clock, which is the lease clock for SQLite). */
  private holder(row: { owner: string | null; lease_until: bigint | null }): string | undefined {
    if (row.owner === null || row.lease_until === null) return undefined;
    return Number(row.lease_until) >= this.now() ? row.owner : undefined;
  }
}
