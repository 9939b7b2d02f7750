import {
  type AbortCause,
  causeColumns,
  type Decision,
  type DecisionLog,
  legOf,
  type LegRow,
  legsDiffer,
  type LogRecord,
  type Owner,
  recordOf,
  type Transaction,
  TransactionMismatch,
  type TxRow,
} from '@strife/coordinator';
import { Internal } from '@strife/domain';
import type { BatchWriter, PgGroupCommit } from '@strife/postgres';
import type { Pool, PoolClient } from 'pg';
import type { DescribedAbort } from '../../payments/abortReason';
import { guarded, NOW_MS, rows } from './sql';

type Row = TxRow & { owner: string | null; incarnation: string | null };
type Joined = Row & Partial<Record<`leg_${keyof LegRow}`, unknown>>;

interface Decide {
  readonly txid: bigint;
  readonly decision: Decision;
  readonly cause: AbortCause | undefined;
}

const TX_COLUMNS =
  't.txid, t.decision, t.cause_kind, t.cause_participant, t.cause_reason, t.cause_detail, t.created_at, t.decided_at, t.done_at, t.owner, t.incarnation';

/** Inserts `txs` as INITIATED, leased to `owner`, with their legs (INSERT … SELECT unnest). */
export async function insertInitiated(
  client: PoolClient,
  txs: readonly Transaction[],
  owner: Owner,
): Promise<void> {
  if (txs.length === 0) return;
  await client.query(
    `INSERT INTO transactions (txid, created_at, owner, incarnation, lease_until)
     SELECT txid, ${NOW_MS}, $2, $3, ${NOW_MS} + $4 FROM unnest($1::int8[]) AS txid
     ON CONFLICT (txid) DO NOTHING`,
    [txs.map((t) => t.txid), owner.name, owner.incarnation, owner.leaseMs],
  );
  await client.query(
    `INSERT INTO tx_legs (txid, idx, participant, kind, account, to_account, amount)
     SELECT * FROM unnest($1::int8[], $2::int4[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int8[])
     ON CONFLICT (txid, idx) DO NOTHING`,
    legColumns(txs),
  );
}

/**
 * The legs of `txs` as seven arrays, one per column of `tx_legs` in table order (txid, idx,
 * participant, kind, account, to_account, amount), for `unnest` in one INSERT.
 */
export function legColumns(txs: readonly Transaction[]): unknown[][] {
  const legs = txs.flatMap((tx) => tx.legs.map((leg, idx) => ({ txid: tx.txid, idx, leg })));
  return [
    legs.map((l) => l.txid),
    legs.map((l) => l.idx),
    legs.map((l) => l.leg.participant),
    legs.map((l) => l.leg.kind),
    legs.map((l) => l.leg.account),
    legs.map((l) => l.leg.toAccount ?? null),
    legs.map((l) => l.leg.amount),
  ];
}

/**
 * The coordinator's decision log on PostgreSQL, shared by every gateway instance. Recording a
 * decision also records the outcome of the payment behind the txid, in the same transaction;
 * leases are timed by the database's clock; takeover skips rows another instance is taking over
 * at the same moment (`FOR UPDATE SKIP LOCKED`), so no transaction is taken twice.
 */
export class PgDecisionLog implements DecisionLog {
  private readonly initiateWriter: BatchWriter<Transaction, void>;
  private readonly decideWriter: BatchWriter<Decide, Decision>;
  private readonly doneWriter: BatchWriter<bigint, void>;

  constructor(
    private readonly pool: Pool,
    private readonly commits: PgGroupCommit,
    private readonly owner: Owner,
    describe: (cause: AbortCause) => DescribedAbort,
  ) {
    this.initiateWriter = {
      name: 'initiate',
      run: async (client, txs) => {
        const logged = await loadMany(
          client,
          txs.map((t) => t.txid),
        );
        for (const tx of txs) {
          const record = logged.get(tx.txid);
          if (record === undefined || record.legs.length === 0) continue;
          const field = legsDiffer(record.legs, tx.legs);
          if (field !== undefined) throw new TransactionMismatch(tx.txid, field);
        }
        await insertInitiated(client, txs, owner);
        return txs.map(() => undefined);
      },
    };
    this.decideWriter = {
      name: 'decide',
      run: (client, inputs) => decideMany(client, inputs, describe),
    };
    this.doneWriter = {
      name: 'mark done',
      run: async (client, txids) => {
        await client.query(
          `UPDATE transactions SET done_at = ${NOW_MS}
           WHERE txid = ANY($1::int8[]) AND decision IS NOT NULL AND done_at IS NULL`,
          [txids],
        );
        const { rows: missing } = await client.query<{ txid: bigint }>(
          'SELECT txid FROM transactions WHERE txid = ANY($1::int8[]) AND decision IS NULL',
          [txids],
        );
        if (missing.length > 0) {
          throw new Internal(
            `cannot mark txid ${missing[0]?.txid ?? '?'} done: it has no decision`,
          );
        }
        return txids.map(() => undefined);
      },
    };
  }

  initiate(tx: Transaction): Promise<void> {
    return guarded(() => this.commits.write(this.initiateWriter, tx));
  }

  decide(txid: bigint, decision: Decision, cause?: AbortCause): Promise<Decision> {
    return guarded(() => this.commits.write(this.decideWriter, { txid, decision, cause }));
  }

  /** DONE only spares recovery work (a lost one re-drives an idempotent phase 2): written lazily. */
  markDone(txid: bigint): Promise<void> {
    return guarded(() => this.commits.writeLater(this.doneWriter, txid));
  }

  async get(txid: bigint): Promise<LogRecord | undefined> {
    return (await guarded(() => loadMany(this.pool, [txid]))).get(txid);
  }

  takeOver(limit: number): Promise<LogRecord[]> {
    const { name, incarnation, leaseMs } = this.owner;
    return guarded(async () => {
      const taken = await this.pool.query<Row>(
        `WITH orphans AS (
           SELECT txid FROM transactions
           WHERE done_at IS NULL
             AND (lease_until IS NULL OR lease_until < ${NOW_MS} OR (owner = $1 AND incarnation <> $2))
           ORDER BY txid LIMIT $4 FOR UPDATE SKIP LOCKED)
         UPDATE transactions t SET owner = $1, incarnation = $2, lease_until = ${NOW_MS} + $3
         FROM orphans WHERE t.txid = orphans.txid
         RETURNING ${TX_COLUMNS}`,
        [name, incarnation, leaseMs, limit],
      );
      const txids = taken.rows.map((r) => r.txid).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const loaded = await loadMany(this.pool, txids);
      return txids.flatMap((txid) => loaded.get(txid) ?? []);
    });
  }

  async renew(txids: readonly bigint[]): Promise<bigint[]> {
    if (txids.length === 0) return [];
    const { name, incarnation, leaseMs } = this.owner;
    const held = await rows<{ txid: bigint }>(
      this.pool,
      `UPDATE transactions SET lease_until = ${NOW_MS} + $3
       WHERE txid = ANY($4::int8[]) AND owner = $1 AND incarnation = $2 AND done_at IS NULL
       RETURNING txid`,
      [name, incarnation, leaseMs, txids],
    );
    const still = new Set(held.map((r) => r.txid));
    return txids.filter((txid) => !still.has(txid));
  }

  async release(txids: readonly bigint[]): Promise<void> {
    const { name, incarnation } = this.owner;
    await rows(
      this.pool,
      `UPDATE transactions SET lease_until = NULL
       WHERE txid = ANY($3::int8[]) AND owner = $1 AND incarnation = $2 AND done_at IS NULL`,
      [name, incarnation, txids],
    );
  }

  close(): Promise<void> {
    return this.commits.flush();
  }
}

/** The log records of `txids` (those that exist), each with its legs, in one query. */
async function loadMany(
  db: Pool | PoolClient,
  txids: readonly bigint[],
): Promise<Map<bigint, LogRecord>> {
  const found = new Map<bigint, LogRecord>();
  if (txids.length === 0) return found;
  const { rows: joined } = await db.query<Joined>(
    `SELECT ${TX_COLUMNS}, l.idx AS leg_idx, l.participant AS leg_participant, l.kind AS leg_kind,
            l.account AS leg_account, l.to_account AS leg_to_account, l.amount AS leg_amount
     FROM transactions t LEFT JOIN tx_legs l ON l.txid = t.txid
     WHERE t.txid = ANY($1::int8[]) ORDER BY t.txid, l.idx`,
    [txids],
  );
  const legs = new Map<bigint, LegRow[]>();
  const heads = new Map<bigint, Row>();
  for (const row of joined) {
    heads.set(row.txid, row);
    if (row.leg_idx === null || row.leg_idx === undefined) continue;
    const list = legs.get(row.txid) ?? [];
    list.push({
      txid: row.txid,
      idx: row.leg_idx as number,
      participant: row.leg_participant as string,
      kind: row.leg_kind as LegRow['kind'],
      account: row.leg_account as string,
      to_account: (row.leg_to_account as string | null) ?? null,
      amount: row.leg_amount as bigint,
    });
    legs.set(row.txid, list);
  }
  for (const [txid, head] of heads)
    found.set(txid, recordOf(head, (legs.get(txid) ?? []).map(legOf)));
  return found;
}

/**
 * Write-once decisions for a batch, and the outcome of each decided payment, in the caller's
 * transaction. Every input gets the decision on record, which may be an earlier one.
 */
async function decideMany(
  client: PoolClient,
  inputs: readonly Decide[],
  describe: (cause: AbortCause) => DescribedAbort,
): Promise<Decision[]> {
  const first = new Map<bigint, Decide>();
  for (const input of inputs) if (!first.has(input.txid)) first.set(input.txid, input);
  const unique = [...first.values()];
  const columns = unique.map((d) => causeColumns(d.decision, d.cause));
  // Write-once: a transaction not logged yet (presumed abort of an unknown txid) is inserted
  // decided; one already decided keeps its decision.
  await client.query(
    `INSERT INTO transactions (txid, created_at, decision, cause_kind, cause_participant,
       cause_reason, cause_detail, decided_at)
     SELECT i.txid, ${NOW_MS}, i.decision, i.kind, i.participant, i.reason, i.detail, ${NOW_MS}
     FROM unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
       AS i(txid, decision, kind, participant, reason, detail)
     ON CONFLICT (txid) DO UPDATE SET decision = excluded.decision,
       cause_kind = excluded.cause_kind, cause_participant = excluded.cause_participant,
       cause_reason = excluded.cause_reason, cause_detail = excluded.cause_detail,
       decided_at = excluded.decided_at
     WHERE transactions.decision IS NULL`,
    [
      unique.map((d) => d.txid),
      unique.map((d) => d.decision),
      columns.map((c) => c.cause_kind),
      columns.map((c) => c.cause_participant),
      columns.map((c) => c.cause_reason),
      columns.map((c) => c.cause_detail),
    ],
  );
  const { rows: recorded } = await client.query<Row>(
    `SELECT ${TX_COLUMNS} FROM transactions t WHERE t.txid = ANY($1::int8[])`,
    [unique.map((d) => d.txid)],
  );
  const decided = new Map(recorded.map((row) => [row.txid, recordOf(row, [])]));
  const settled = [...decided.values()].map((record) => {
    if (record.decision === 'COMMIT')
      return { txid: record.txid, status: 'COMMITTED', reason: null, text: '' };
    const { reason, text } = describe(record.cause ?? { kind: 'PRESUMED' });
    return { txid: record.txid, status: 'ABORTED', reason, text };
  });
  await client.query(
    `UPDATE payments p SET status = i.status, abort_reason = i.reason, reason = i.text,
       decided_at = ${NOW_MS}
     FROM unnest($1::int8[], $2::text[], $3::text[], $4::text[]) AS i(txid, status, reason, text)
     WHERE p.txid = i.txid AND p.status = 'PENDING'`,
    [
      settled.map((s) => s.txid),
      settled.map((s) => s.status),
      settled.map((s) => s.reason),
      settled.map((s) => s.text),
    ],
  );
  return inputs.map((input) => {
    const decision = decided.get(input.txid)?.decision;
    if (decision === undefined)
      throw new Internal(`decision for txid ${input.txid} was not recorded`);
    return decision;
  });
}
