import type Database from 'better-sqlite3';
import { Internal } from '@strife/domain';
import { GroupCommit, openDurableDatabase } from '@strife/sqlite';
import type { DecisionLog, LogRecord } from './decisionLog';
import { TransactionMismatch } from './errors';
import { SCHEMA, causeColumns, legOf, recordOf, type LegRow, type TxRow } from './sqliteSchema';
import { legsDiffer } from './transaction';
import type { AbortCause, Decision, Leg, Transaction } from './types';

export interface SqliteDecisionLogOptions {
  /** Source of the createdAt/decidedAt/doneAt timestamps. Default `Date.now`. */
  readonly now?: () => number;
}

/** Runs a synchronous database call as the async step the `DecisionLog` interface promises. */
function deferred<T>(work: () => T): Promise<T> {
  return new Promise<T>((resolve) => resolve(work()));
}

/**
 * `DecisionLog` on better-sqlite3: WAL with `synchronous=FULL`, so each write is on disk before
 * its promise resolves; integers come back as bigint. Writes go through a `GroupCommit`: the
 * records many transactions write in one turn of the event loop share one `BEGIN IMMEDIATE`
 * transaction and one fsync, and several processes may share one file.
 */
export class SqliteDecisionLog implements DecisionLog {
  private readonly statements;

  private constructor(
    private readonly db: Database.Database,
    private readonly commits: GroupCommit,
    private readonly now: () => number,
    private readonly ownsDb: boolean,
  ) {
    db.exec(SCHEMA);
    const open = 'SELECT * FROM transactions WHERE done_at IS NULL AND decision IS';
    this.statements = {
      tx: db.prepare<[bigint], TxRow>('SELECT * FROM transactions WHERE txid = ?'),
      legs: db.prepare<[bigint], LegRow>('SELECT * FROM legs WHERE txid = ? ORDER BY idx'),
      insertTx: db.prepare<[bigint, number]>(
        'INSERT INTO transactions (txid, created_at) VALUES (?, ?)',
      ),
      insertLeg: db.prepare<[bigint, number, string, string, string, bigint]>(
        'INSERT INTO legs (txid, idx, participant, kind, account, amount) VALUES (?, ?, ?, ?, ?, ?)',
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
      undecided: db.prepare<[], TxRow>(`${open} NULL ORDER BY txid`),
      unfinished: db.prepare<[], TxRow>(`${open} NOT NULL ORDER BY txid`),
    };
  }

  /** Opens (creating if needed) the log at `path`; `':memory:'` gives a private in-memory log. */
  static open(path: string, options: SqliteDecisionLogOptions = {}): SqliteDecisionLog {
    const db = openDurableDatabase(path, { safeIntegers: true });
    return new SqliteDecisionLog(db, new GroupCommit(db), options.now ?? Date.now, true);
  }

  /**
   * The log in its own tables of a connection that other stores share, writing through their
   * common `commits`, so one fsync covers all their writes of a turn. The connection must read
   * integers as bigints (`openDurableDatabase(path, { safeIntegers: true })`). `close` leaves
   * the connection open.
   */
  static attach(
    db: Database.Database,
    commits: GroupCommit,
    options: SqliteDecisionLogOptions = {},
  ): SqliteDecisionLog {
    return new SqliteDecisionLog(db, commits, options.now ?? Date.now, false);
  }

  // Each write below runs in a savepoint of the group commit, which makes it atomic and rolls it
  // back alone if it throws, so it opens no transaction of its own: building a better-sqlite3
  // transaction function per call would cost several times what its statements do.

  initiate(tx: Transaction): Promise<void> {
    return this.commits.write(() => {
      if (this.statements.tx.get(tx.txid) === undefined) {
        this.statements.insertTx.run(tx.txid, this.now());
      } else {
        const logged = this.legsOf(tx.txid);
        if (logged.length > 0) {
          const field = legsDiffer(logged, tx.legs);
          if (field !== undefined) throw new TransactionMismatch(tx.txid, field);
          return;
        }
      }
      tx.legs.forEach((leg, idx) => {
        this.statements.insertLeg.run(
          tx.txid,
          idx,
          leg.participant,
          leg.kind,
          leg.account,
          leg.amount,
        );
      });
    });
  }

  decide(txid: bigint, decision: Decision, cause?: AbortCause): Promise<Decision> {
    return this.commits.write(() => {
      const now = this.now();
      this.statements.decide.run({
        txid,
        decision,
        ...causeColumns(decision, cause),
        created_at: BigInt(now),
        decided_at: BigInt(now),
      });
      const logged = this.statements.tx.get(txid)?.decision;
      if (logged == null) throw new Internal(`decision for txid ${txid} was not recorded`);
      return logged;
    });
  }

  /** DONE only spares recovery work (a lost one re-drives an idempotent phase 2): written lazily. */
  markDone(txid: bigint): Promise<void> {
    return this.commits.writeLater(() => {
      if (this.statements.markDone.run(this.now(), txid).changes === 1) return;
      const row = this.statements.tx.get(txid);
      if (row?.decision == null) {
        throw new Internal(`cannot mark txid ${txid} done: it has no decision`);
      }
    });
  }

  get(txid: bigint): Promise<LogRecord | undefined> {
    return deferred(() => {
      const row = this.statements.tx.get(txid);
      return row && recordOf(row, this.legsOf(txid));
    });
  }

  undecided(): Promise<LogRecord[]> {
    return deferred(() =>
      this.statements.undecided.all().map((r) => recordOf(r, this.legsOf(r.txid))),
    );
  }

  unfinished(): Promise<LogRecord[]> {
    return deferred(() =>
      this.statements.unfinished.all().map((r) => recordOf(r, this.legsOf(r.txid))),
    );
  }

  /** Commits the writes still queued; closes the connection if `open` made it. */
  close(): Promise<void> {
    return deferred(() => {
      if (!this.db.open) return;
      this.commits.flush();
      if (this.ownsDb) this.db.close();
    });
  }

  private legsOf(txid: bigint): Leg[] {
    return this.statements.legs.all(txid).map(legOf);
  }
}
