import type Database from 'better-sqlite3';
import type { AbortCause, Decision, DecisionLog } from '@strife/coordinator';
import { SqliteDecisionLog } from '@strife/coordinator/sqlite';
import type { Mutation } from './index';

/**
 * The decision log a gateway instance's coordinator works with: the instance's real
 * `SqliteDecisionLog`, or under a mutation that log with one rule broken.
 */
export function decisionLogFor(
  mutation: Mutation,
  log: DecisionLog,
  db: Database.Database,
): DecisionLog {
  switch (mutation) {
    case 'no-write-once':
      return rewritable(log, db);
    case 'presumed-commit':
      return presumingCommit(log);
    case 'no-lease-check':
      ignoreLeases(log, db);
      return log;
    default:
      return log;
  }
}

/** `log` whose methods are called on it, with `decide` replaced. */
function withDecide(
  log: DecisionLog,
  decide: (txid: bigint, decision: Decision, cause?: AbortCause) => Promise<Decision>,
): DecisionLog {
  return {
    initiate: (tx) => log.initiate(tx),
    decide,
    markDone: (txid) => log.markDone(txid),
    get: (txid) => log.get(txid),
    takeOver: (limit) => log.takeOver(limit),
    renew: (txids) => log.renew(txids),
    release: (txids) => log.release(txids),
    close: () => log.close(),
  };
}

/** Last writer wins: a decision (and the payment's outcome) is erased before each decide. */
function rewritable(log: DecisionLog, db: Database.Database): DecisionLog {
  const erase = db.prepare<[bigint]>(
    `UPDATE transactions SET decision = NULL, cause_kind = NULL, cause_participant = NULL,
       cause_reason = NULL, cause_detail = NULL, decided_at = NULL
     WHERE txid = ? AND done_at IS NULL`,
  );
  const reopen = db.prepare<[bigint]>(
    `UPDATE payments SET status = 'PENDING', abort_reason = NULL, reason = '', decided_at = NULL
     WHERE txid = ?`,
  );
  return withDecide(log, (txid, decision, cause) => {
    if (erase.run(txid).changes > 0) reopen.run(txid);
    return log.decide(txid, decision, cause);
  });
}

/** Presumed commit: an abort the coordinator presumes is recorded as COMMIT. */
function presumingCommit(log: DecisionLog): DecisionLog {
  return withDecide(log, (txid, decision, cause) =>
    decision === 'ABORT' && (cause === undefined || cause.kind === 'PRESUMED')
      ? log.decide(txid, 'COMMIT')
      : log.decide(txid, decision, cause),
  );
}

/**
 * Takeover without the lease check: the log's query for orphaned transactions is replaced by one
 * that returns every transaction not DONE, live leases included.
 */
function ignoreLeases(log: DecisionLog, db: Database.Database): void {
  const statements = (log as unknown as { s?: { orphans?: unknown } }).s;
  if (!(log instanceof SqliteDecisionLog) || statements?.orphans === undefined) {
    throw new Error('no-lease-check: the decision log has no takeover query to replace');
  }
  statements.orphans = db.prepare(
    `SELECT * FROM transactions WHERE done_at IS NULL
       AND coalesce(@now, @name, @incarnation) IS NOT NULL
     ORDER BY txid LIMIT @limit`,
  );
}
