import type Database from 'better-sqlite3';
import type { AbortCause, Decision } from '@strife/coordinator';
import type { SqliteDecisionLog } from '@strife/coordinator/sqlite';
import type { AbortReason, PaymentStatus } from '@strife/domain';
import type { GroupCommit } from '@strife/sqlite';
import type { DescribedAbort } from '../../payments/abortReason';
import type { PaymentRecord } from '../../payments/payment';
import type { PaymentClaim, PaymentStore } from '../../payments/paymentStore';

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

/** Payments in `gateway.db`, written through the group commit shared with the decision log. */
export class SqlitePaymentStore implements PaymentStore {
  private readonly s;
  private log: SqliteDecisionLog | undefined;

  constructor(
    db: Database.Database,
    private readonly commits: GroupCommit,
    private readonly describe: (cause: AbortCause) => DescribedAbort,
    /** Milliseconds since the epoch, for decision and expiry times. */
    private readonly now: () => number = Date.now,
  ) {
    this.s = {
      find: db.prepare<[string, string], Row>(
        'SELECT * FROM payments WHERE username = ? AND idem_key = ?',
      ),
      expired: db.prepare<[string, string], { n: bigint }>(
        'SELECT COUNT(*) AS n FROM expired_keys WHERE username = ? AND idem_key = ?',
      ),
      insert: db.prepare<[string, string, bigint, string, string, bigint, number]>(
        `INSERT INTO payments (username, idem_key, txid, from_account, to_account, amount, status,
           created_at) VALUES (?, ?, ?, ?, ?, ?, 'PENDING', ?) ON CONFLICT DO NOTHING`,
      ),
      settle: db.prepare<[PaymentStatus, AbortReason | null, string, number, bigint]>(
        `UPDATE payments SET status = ?, abort_reason = ?, reason = ?, decided_at = ?
         WHERE txid = ? AND status = 'PENDING'`,
      ),
      list: db.prepare<[string, bigint, number], Row>(
        'SELECT * FROM payments WHERE username = ? AND txid < ? ORDER BY txid DESC LIMIT ?',
      ),
      prunable: db.prepare<[number, number], { username: string; idem_key: string; txid: bigint }>(
        `SELECT p.username, p.idem_key, p.txid FROM payments p
         JOIN transactions t ON t.txid = p.txid
         WHERE p.status <> 'PENDING' AND p.decided_at < ? AND t.done_at IS NOT NULL
         ORDER BY p.decided_at LIMIT ?`,
      ),
      tombstone: db.prepare<[string, string, number]>(
        'INSERT OR IGNORE INTO expired_keys (username, idem_key, expired_at) VALUES (?, ?, ?)',
      ),
      remove: db.prepare<[bigint]>('DELETE FROM payments WHERE txid = ?'),
      pending: db.prepare<[], { txid: bigint }>(
        "SELECT txid FROM payments WHERE status = 'PENDING' ORDER BY txid",
      ),
    };
  }

  /** The decision log that writes INITIATED with each claim and forgets pruned transactions. */
  useLog(log: SqliteDecisionLog): void {
    this.log = log;
  }

  find(username: string, key: string): Promise<PaymentRecord | 'EXPIRED' | undefined> {
    const row = this.s.find.get(username, key);
    if (row !== undefined) return Promise.resolve(toRecord(row));
    const expired = (this.s.expired.get(username, key)?.n ?? 0n) > 0n;
    return Promise.resolve(expired ? 'EXPIRED' : undefined);
  }

  claim(c: PaymentClaim): Promise<boolean> {
    return this.commits.write(() => {
      const { changes } = this.s.insert.run(
        c.username,
        c.key,
        c.txid,
        c.from,
        c.to,
        c.amount,
        c.createdAt.getTime(),
      );
      if (changes === 0) return false;
      this.requireLog().initiateNow({ txid: c.txid, legs: c.legs });
      return true;
    });
  }

  /**
   * Records the outcome of the payment behind `txid` from the decision on record. Runs inside the
   * decision log's write (its `afterDecide`), so the two commit together.
   */
  settleNow(txid: bigint, decision: Decision, cause: AbortCause | undefined): void {
    const now = this.now();
    if (decision === 'COMMIT') {
      this.s.settle.run('COMMITTED', null, '', now, txid);
      return;
    }
    const { reason, text } = this.describe(cause ?? { kind: 'PRESUMED' });
    this.s.settle.run('ABORTED', reason, text, now, txid);
  }

  list(username: string, limit: number, beforeTxid: bigint | undefined): Promise<PaymentRecord[]> {
    return Promise.resolve(this.s.list.all(username, beforeTxid ?? MAX_TXID, limit).map(toRecord));
  }

  prune(before: number, limit: number): Promise<number> {
    return this.commits.write(() => {
      const log = this.requireLog();
      let pruned = 0;
      for (const row of this.s.prunable.all(before, limit)) {
        // Only a transaction every bank acknowledged may go: until then phase 2 needs it.
        if (!log.forgetNow(row.txid)) continue;
        this.s.tombstone.run(row.username, row.idem_key, this.now());
        this.s.remove.run(row.txid);
        pruned += 1;
      }
      return pruned;
    });
  }

  /**
   * Settles PENDING payments whose transaction already has a decision: only payments carried over
   * from the layout before decisions and outcomes were written together can be in that state.
   */
  async reconcile(): Promise<number> {
    const log = this.requireLog();
    let settled = 0;
    for (const { txid } of this.s.pending.all()) {
      const record = await log.get(txid);
      if (record?.decision === undefined) continue;
      const { decision, cause } = record;
      await this.commits.write(() => {
        this.settleNow(txid, decision, cause);
      });
      settled += 1;
    }
    return settled;
  }

  private requireLog(): SqliteDecisionLog {
    if (this.log === undefined) throw new Error('the payment store has no decision log yet');
    return this.log;
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
