import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { Internal } from '@strife/domain';
import { GroupCommit, migrate, openDurableDatabase } from '@strife/sqlite';
import type { DecisionLog, LogRecord, Owner } from '../decisionLog';
import { TransactionMismatch } from '../errors';
import { causeColumns, legOf, recordOf, type LegRow, type TxRow } from '../logRows';
import { legsDiffer } from '../transaction';
import type { AbortCause, Decision, Leg, Transaction } from '../types';
import { DECISION_LOG_MIGRATIONS } from './schema';

export interface SqliteDecisionLogOptions {
  /**
   * Called inside the write that records a decision, with the decision on record (which may be
   * an earlier one), so that the caller's own bookkeeping of it commits atomically with it.
   * Synchronous database calls on the same connection only. Default: none.
   */
  readonly afterDecide?: (txid: bigint, decision: Decision, cause: AbortCause | undefined) => void;
  /** Timestamps and lease times, in ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /**
   * Who this log works for. Default: owner `coordinator`, a fresh incarnation, 30 s leases — one
   * process per file, which on start takes over everything an earlier process left.
   */
  readonly owner?: Owner;
}

/** Runs a synchronous database call as the async step the `DecisionLog` interface promises. */
function deferred<T>(work: () => T): Promise<T> {
  return new Promise<T>((resolve) => resolve(work()));
}

type Row = TxRow & { owner: string | null; incarnation: string | null };

/**
 * `DecisionLog` on its own better-sqlite3 file: WAL with `synchronous=FULL`, so each write is on
 * disk before its promise resolves. Writes go through a `GroupCommit`: the records many
 * transactions write in one turn of the event loop share one transaction and one fsync. Leases
 * are timed by `now`, which is only meaningful while one process uses the file.
 */
export class SqliteDecisionLog implements DecisionLog {
  private readonly s;

  private constructor(
    private readonly db: Database.Database,
    private readonly commits: GroupCommit,
    private readonly now: () => number,
    private readonly owner: Owner,
    private readonly afterDecide: SqliteDecisionLogOptions['afterDecide'],
  ) {
    const open = 'SELECT * FROM transactions WHERE done_at IS NULL';
    this.s = {
      tx: db.prepare<[bigint], Row>('SELECT * FROM transactions WHERE txid = ?'),
      legs: db.prepare<[bigint], LegRow>('SELECT * FROM legs WHERE txid = ? ORDER BY idx'),
      insertTx: db.prepare<[bigint, number, string, string, number]>(
        `INSERT INTO transactions (txid, created_at, owner, incarnation, lease_until)
         VALUES (?, ?, ?, ?, ?)`,
      ),
      insertLeg: db.prepare<[bigint, number, string, string, string, string | null, bigint]>(
        `INSERT INTO legs (txid, idx, participant, kind, account, to_account, amount)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      decide: db.prepare<[Omit<TxRow, 'done_at'>]>(
        `INSERT INTO transactions (txid, decision, cause_kind, cause_participant, cause_reason,
           cause_detail, created_at, decided_at)
         VALUES (@txid, @decision, @cause_kind, @cause_participant, @cause_reason, @cause_detail,
           @created_at, @decided_at)
         ON CONFLICT (txid) DO UPDATE SET decision = excluded.decision,
           cause_kind = excluded.cause_kind, cause_participant = excluded.cause_participant,
           cause_reason = excluded.cause_reason, cause_detail = excluded.cause_detail,
           decided_at = excluded.decided_at
         WHERE transactions.decision IS NULL`,
      ),
      markDone: db.prepare<[number, bigint]>(
        'UPDATE transactions SET done_at = ? WHERE txid = ? AND decision IS NOT NULL AND done_at IS NULL',
      ),
      orphans: db.prepare<{ now: number; name: string; incarnation: string; limit: number }, Row>(
        `${open} AND (lease_until IS NULL OR lease_until < @now
           OR (owner = @name AND incarnation <> @incarnation))
         ORDER BY txid LIMIT @limit`,
      ),
      lease: db.prepare<{ txid: bigint; until: number; name: string; incarnation: string }>(
        `UPDATE transactions SET owner = @name, incarnation = @incarnation, lease_until = @until
         WHERE txid = @txid`,
      ),
      forgetLegs: db.prepare<[bigint]>(
        'DELETE FROM legs WHERE txid = ? AND txid IN (SELECT txid FROM transactions WHERE done_at IS NOT NULL)',
      ),
      forget: db.prepare<[bigint]>(
        'DELETE FROM transactions WHERE txid = ? AND done_at IS NOT NULL',
      ),
      release: db.prepare<{ txid: bigint; name: string; incarnation: string }>(
        `UPDATE transactions SET lease_until = NULL
         WHERE txid = @txid AND owner = @name AND incarnation = @incarnation AND done_at IS NULL`,
      ),
      renew: db.prepare<{ txid: bigint; until: number; name: string; incarnation: string }>(
        `UPDATE transactions SET lease_until = @until
         WHERE txid = @txid AND owner = @name AND incarnation = @incarnation AND done_at IS NULL`,
      ),
    };
  }

  /** Opens (creating or upgrading if needed) the log at `path`; `':memory:'` gives a private one. */
  static open(path: string, options: SqliteDecisionLogOptions = {}): SqliteDecisionLog {
    const db = openDurableDatabase(path, { safeIntegers: true });
    migrate(db, DECISION_LOG_MIGRATIONS, { name: 'decision log' });
    return SqliteDecisionLog.attach(db, new GroupCommit(db), options);
  }

  /**
   * The log in the tables of a connection that other stores share, writing through their common
   * `commits`, so one fsync covers all their writes of a turn. The caller owns the schema: its
   * own migrations must include `DECISION_LOG_MIGRATIONS`, in order. The connection must read
   * integers as bigints (`openDurableDatabase(path, { safeIntegers: true })`).
   */
  static attach(
    db: Database.Database,
    commits: GroupCommit,
    options: SqliteDecisionLogOptions = {},
  ): SqliteDecisionLog {
    return new SqliteDecisionLog(
      db,
      commits,
      options.now ?? Date.now,
      options.owner ?? { name: 'coordinator', incarnation: randomUUID(), leaseMs: 30_000 },
      options.afterDecide,
    );
  }

  /**
   * The same file as `log`, working for another owner (for example a new incarnation, as after
   * a restart). Closing either closes the file.
   */
  static sharing(log: SqliteDecisionLog, owner: Owner): SqliteDecisionLog {
    return new SqliteDecisionLog(log.db, log.commits, log.now, owner, log.afterDecide);
  }

  // Each write below runs in a savepoint of the group commit, which makes it atomic and rolls it
  // back alone if it throws, so it opens no transaction of its own.

  initiate(tx: Transaction): Promise<void> {
    return this.commits.write(() => {
      this.initiateNow(tx);
    });
  }

  /**
   * `initiate` as a synchronous step of a write the caller has queued on the shared group commit,
   * so that INITIATED commits atomically with the caller's own record of the transaction.
   */
  initiateNow(tx: Transaction): void {
    const now = this.now();
    if (this.s.tx.get(tx.txid) === undefined) {
      const { name, incarnation, leaseMs } = this.owner;
      this.s.insertTx.run(tx.txid, now, name, incarnation, now + leaseMs);
    } else {
      const logged = this.legsOf(tx.txid);
      if (logged.length > 0) {
        const field = legsDiffer(logged, tx.legs);
        if (field !== undefined) throw new TransactionMismatch(tx.txid, field);
        return;
      }
    }
    tx.legs.forEach((leg, idx) => {
      this.s.insertLeg.run(
        tx.txid,
        idx,
        leg.participant,
        leg.kind,
        leg.account,
        leg.toAccount ?? null,
        leg.amount,
      );
    });
  }

  decide(txid: bigint, decision: Decision, cause?: AbortCause): Promise<Decision> {
    return this.commits.write(() => {
      const now = BigInt(this.now());
      this.s.decide.run({
        txid,
        decision,
        ...causeColumns(decision, cause),
        created_at: now,
        decided_at: now,
      });
      const row = this.s.tx.get(txid);
      if (row?.decision == null) throw new Internal(`decision for txid ${txid} was not recorded`);
      this.afterDecide?.(txid, row.decision, recordOf(row, []).cause);
      return row.decision;
    });
  }

  /** DONE only spares recovery work (a lost one re-drives an idempotent phase 2): written lazily. */
  markDone(txid: bigint): Promise<void> {
    return this.commits.writeLater(() => {
      if (this.s.markDone.run(this.now(), txid).changes === 1) return;
      if (this.s.tx.get(txid)?.decision == null) {
        throw new Internal(`cannot mark txid ${txid} done: it has no decision`);
      }
    });
  }

  get(txid: bigint): Promise<LogRecord | undefined> {
    return deferred(() => {
      const row = this.s.tx.get(txid);
      return row && recordOf(row, this.legsOf(txid));
    });
  }

  takeOver(limit: number): Promise<LogRecord[]> {
    const { name, incarnation } = this.owner;
    // Most passes find nothing: look first, so they cost no write (and no fsync).
    if (this.s.orphans.all({ now: this.now(), name, incarnation, limit: 1 }).length === 0) {
      return Promise.resolve([]);
    }
    return this.commits.write(() => {
      const now = this.now();
      const { leaseMs } = this.owner;
      const rows = this.s.orphans.all({ now, name, incarnation, limit });
      for (const row of rows) {
        this.s.lease.run({ txid: row.txid, until: now + leaseMs, name, incarnation });
      }
      return rows.map((row) => recordOf(row, this.legsOf(row.txid)));
    });
  }

  renew(txids: readonly bigint[]): Promise<bigint[]> {
    return this.commits.write(() => {
      const { name, incarnation, leaseMs } = this.owner;
      const until = this.now() + leaseMs;
      return txids.filter(
        (txid) => this.s.renew.run({ txid, until, name, incarnation }).changes === 0,
      );
    });
  }

  /**
   * Deletes a DONE transaction and its legs, as a synchronous step of a write the caller queued
   * on the shared group commit (retention). False, and nothing deleted, unless it is DONE.
   */
  forgetNow(txid: bigint): boolean {
    this.s.forgetLegs.run(txid);
    return this.s.forget.run(txid).changes === 1;
  }

  release(txids: readonly bigint[]): Promise<void> {
    return this.commits.write(() => {
      const { name, incarnation } = this.owner;
      for (const txid of txids) this.s.release.run({ txid, name, incarnation });
    });
  }

  /** Commits the writes still queued and closes the file. */
  close(): Promise<void> {
    return deferred(() => {
      if (!this.db.open) return;
      this.commits.flush();
      this.db.close();
    });
  }

  private legsOf(txid: bigint): Leg[] {
    return this.s.legs.all(txid).map(legOf);
  }
}
