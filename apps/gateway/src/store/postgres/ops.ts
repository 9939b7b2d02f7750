import { recordOf, type TxRow } from '@strife/coordinator';
import type { Pool } from 'pg';
import type { OpenTransaction, OpsView, RecentDecision } from '../opsView';
import { type Row as PaymentRow, toRecord } from './payments';
import { NOW_MS, rows } from './sql';

type TxWithOwner = TxRow & { owner: string | null; live: boolean };

const WITH_OWNER = `t.*, (t.lease_until IS NOT NULL AND t.lease_until >= ${NOW_MS}) AS live`;

/** The operator's queries on the shared database: leases judged by the database's clock. */
export class PgOpsView implements OpsView {
  constructor(private readonly pool: Pool) {}

  async openTransactions(limit: number): Promise<OpenTransaction[]> {
    const found = await rows<TxWithOwner>(
      this.pool,
      `SELECT ${WITH_OWNER} FROM transactions t WHERE t.done_at IS NULL ORDER BY t.txid LIMIT $1`,
      [limit],
    );
    return found.map((row) => ({
      txid: row.txid,
      state: recordOf(row, []).state,
      owner: row.live ? (row.owner ?? undefined) : undefined,
      createdAt: Number(row.created_at),
    }));
  }

  async recentDecisions(limit: number): Promise<RecentDecision[]> {
    const found = await rows<TxRow>(
      this.pool,
      `SELECT * FROM transactions WHERE decision IS NOT NULL
       ORDER BY decided_at DESC, txid DESC LIMIT $1`,
      [limit],
    );
    return found.flatMap((row) => {
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
    });
  }

  async paymentByTxid(
    txid: bigint,
  ): Promise<{ username: string; payment: ReturnType<typeof toRecord> } | undefined> {
    const [row] = await rows<PaymentRow & { username: string }>(
      this.pool,
      'SELECT * FROM payments WHERE txid = $1',
      [txid],
    );
    return row && { username: row.username, payment: toRecord(row) };
  }

  async payersOfKey(key: string, limit: number): Promise<string[]> {
    const found = await rows<{ username: string }>(
      this.pool,
      'SELECT username FROM payments WHERE idem_key = $1 LIMIT $2',
      [key, limit],
    );
    return found.map((row) => row.username);
  }

  async ownerOf(txid: bigint): Promise<string | undefined> {
    const [row] = await rows<TxWithOwner>(
      this.pool,
      `SELECT ${WITH_OWNER} FROM transactions t WHERE t.txid = $1`,
      [txid],
    );
    return row?.live ? (row.owner ?? undefined) : undefined;
  }
}
