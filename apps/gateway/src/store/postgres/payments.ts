import type { Owner } from '@strife/coordinator';
import type { AbortReason, PaymentStatus } from '@strife/domain';
import type { BatchWriter, PgGroupCommit } from '@strife/postgres';
import type { Pool } from 'pg';
import type { PaymentRecord } from '../../payments/payment';
import type { PaymentClaim, PaymentStore } from '../../payments/paymentStore';
import { legColumns } from './decisions';
import { guarded, NOW_MS, rows } from './sql';

export interface Row {
  idem_key: string;
  txid: bigint;
  from_account: string;
  to_account: string;
  amount: bigint;
  status: PaymentStatus;
  abort_reason: AbortReason | null;
  reason: string;
  created_at: bigint;
}

const MAX_TXID = 9_223_372_036_854_775_807n;

/**
 * Payments on PostgreSQL. A key is unique per user by the primary key, so however many instances
 * claim it at once, one insert wins; the claims of one turn go in one statement, and the winners'
 * INITIATED records in the same transaction.
 */
export class PgPaymentStore implements PaymentStore {
  private readonly claimWriter: BatchWriter<PaymentClaim, boolean>;

  constructor(
    private readonly pool: Pool,
    private readonly commits: PgGroupCommit,
    owner: Owner,
  ) {
    this.claimWriter = {
      name: 'claim',
      oneStatement: true,
      run: async (client, claims) => {
        // The first claim of a key in this batch goes ahead; a repeat of it loses, as it would
        // against a row already in the table.
        const seen = new Set<string>();
        const candidates = claims.filter((c) => {
          const id = `${c.username}\u0000${c.key}`;
          if (seen.has(id)) return false;
          seen.add(id);
          return true;
        });
        // One statement: the payments, and for those that won their key the INITIATED record
        // and its legs (the legs' foreign key is checked as the statement ends).
        const inserted = await client.query<{ txid: bigint }>(
          `WITH claimed AS (
             INSERT INTO payments (username, idem_key, txid, from_account, to_account, amount, status, created_at)
             SELECT u, k, t, f, d, a, 'PENDING', c
             FROM unnest($1::text[], $2::text[], $3::int8[], $4::text[], $5::text[], $6::int8[], $7::int8[])
               AS i(u, k, t, f, d, a, c)
             ON CONFLICT (username, idem_key) DO NOTHING
             RETURNING txid),
           initiated AS (
             INSERT INTO transactions (txid, created_at, owner, incarnation, lease_until)
             SELECT txid, ${NOW_MS}, $8, $9, ${NOW_MS} + $10 FROM claimed
             ON CONFLICT (txid) DO NOTHING),
           legs AS (
             INSERT INTO tx_legs (txid, idx, participant, kind, account, to_account, amount)
             SELECT l.* FROM unnest($11::int8[], $12::int4[], $13::text[], $14::text[], $15::text[],
                                    $16::text[], $17::int8[])
               AS l(txid, idx, participant, kind, account, to_account, amount)
             WHERE l.txid IN (SELECT txid FROM claimed)
             ON CONFLICT (txid, idx) DO NOTHING)
           SELECT txid FROM claimed`,
          [
            candidates.map((c) => c.username),
            candidates.map((c) => c.key),
            candidates.map((c) => c.txid),
            candidates.map((c) => c.from),
            candidates.map((c) => c.to),
            candidates.map((c) => c.amount),
            candidates.map((c) => c.createdAt.getTime()),
            owner.name,
            owner.incarnation,
            owner.leaseMs,
            ...legColumns(candidates),
          ],
        );
        const won = new Set(inserted.rows.map((r) => r.txid));
        return claims.map((c) => won.has(c.txid));
      },
    };
  }

  /** One round trip: every new payment asks first, and is usually told "unknown". */
  async find(username: string, key: string): Promise<PaymentRecord | 'EXPIRED' | undefined> {
    const [row] = await rows<{ [K in keyof Row]: Row[K] | null } & { expired: boolean }>(
      this.pool,
      `SELECT p.*, EXISTS (SELECT 1 FROM expired_keys e WHERE e.username = $1 AND e.idem_key = $2)
                   AS expired
       FROM (SELECT 1) AS one
       LEFT JOIN payments p ON p.username = $1 AND p.idem_key = $2`,
      [username, key],
    );
    if (row !== undefined && row.txid !== null) return toRecord(row as Row);
    return row?.expired === true ? 'EXPIRED' : undefined;
  }

  claim(claim: PaymentClaim): Promise<boolean> {
    return guarded(() => this.commits.write(this.claimWriter, claim));
  }

  async list(
    username: string,
    limit: number,
    beforeTxid: bigint | undefined,
  ): Promise<PaymentRecord[]> {
    const found = await rows<Row>(
      this.pool,
      'SELECT * FROM payments WHERE username = $1 AND txid < $2 ORDER BY txid DESC LIMIT $3',
      [username, beforeTxid ?? MAX_TXID, limit],
    );
    return found.map(toRecord);
  }

  async prune(before: number, limit: number): Promise<number> {
    const [result] = await rows<{ pruned: bigint }>(
      this.pool,
      `WITH victims AS (
         SELECT p.username, p.idem_key, p.txid FROM payments p
         JOIN transactions t ON t.txid = p.txid
         WHERE p.status <> 'PENDING' AND p.decided_at < $1 AND t.done_at IS NOT NULL
         ORDER BY p.decided_at LIMIT $2 FOR UPDATE OF p SKIP LOCKED),
       tombstones AS (
         INSERT INTO expired_keys (username, idem_key, expired_at)
         SELECT username, idem_key, ${NOW_MS} FROM victims ON CONFLICT DO NOTHING),
       forgotten AS (DELETE FROM transactions WHERE txid IN (SELECT txid FROM victims)),
       removed AS (DELETE FROM payments WHERE txid IN (SELECT txid FROM victims) RETURNING 1)
       SELECT count(*)::int8 AS pruned FROM removed`,
      [before, limit],
    );
    return Number(result?.pruned ?? 0n);
  }
}

export function toRecord(row: Row): PaymentRecord {
  return {
    key: row.idem_key,
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
