import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { SqliteDecisionLog } from '@strife/coordinator/sqlite';
import { type CommitScheduler, GroupCommit, migrate, openDurableDatabase } from '@strife/sqlite';
import { batchOutcomes } from '../batchOutcomes';
import type { GatewayStore, StoreOptions } from '../gatewayStore';
import { GATEWAY_MIGRATIONS, RELEASED_STEPS } from './schema';
import { SqliteOpsView } from './ops';
import { SqlitePaymentStore } from './payments';
import { SqliteSessionStore } from './sessions';
import { SqliteLoginThrottle } from './throttle';
import { SqliteUserStore } from './users';

/** What opening `gateway.db` did besides opening it, for the start-up log. */
export interface SqliteOpenReport {
  /** Data files of an older layout merged into `gateway.db` (renamed `*.merged`). */
  readonly merged: readonly string[];
  /** The schema version found, and the one the file has now. */
  readonly schema: { readonly from: number; readonly to: number };
  /** PENDING payments of an older layout settled from the decision on record. */
  readonly reconciled: number;
}

/** Options of the SQLite store: those of every backend, and seams for a simulation. */
export interface SqliteStoreOptions extends StoreOptions {
  /** Timestamps and lease times, in ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** When the group commit's batches commit. Default: Node's event loop. */
  readonly scheduler?: CommitScheduler;
}

/**
 * The gateway's state in one SQLite file, `<dataDir>/gateway.db` (or a private in-memory
 * database for `':memory:'`), behind one group commit: a payment's claim and INITIATED, or its
 * decision and outcome, are one write each, and the writes of a turn share one fsync. One
 * gateway instance only: leases are timed by this process's clock.
 */
export async function openSqliteStore(
  dataDir: string,
  options: SqliteStoreOptions,
): Promise<GatewayStore & { readonly report: SqliteOpenReport }> {
  const path = dataDir === ':memory:' ? dataDir : join(dataDir, 'gateway.db');
  const db = openDurableDatabase(path, { safeIntegers: true });
  try {
    const from = Number(db.pragma('user_version', { simple: true }));
    let merged: string[] = [];
    if (from <= RELEASED_STEPS && dataDir !== ':memory:') {
      migrate(db, GATEWAY_MIGRATIONS.slice(0, RELEASED_STEPS), { name: 'gateway.db' });
      merged = mergeLegacyFiles(db, dataDir);
    }
    const { to } = migrate(db, GATEWAY_MIGRATIONS, { name: 'gateway.db' });
    const { store, reconciled } = await attachSqliteStore(db, options);
    return { ...store, report: { merged, schema: { from, to }, reconciled } };
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * The gateway's stores on an open `gateway.db` connection (migrated here if needed; integers
 * read as bigints), behind a group commit of their own, working for `options.owner`. This is
 * what `openSqliteStore` serves from. Several may share one connection, each with its own owner
 * and group commit, as several gateway instances share one database: a deterministic simulation
 * runs its gateway instances this way. Also returns how many PENDING payments of an older layout
 * it settled. `close` commits this store's queue and closes the connection.
 */
export async function attachSqliteStore(
  db: Database.Database,
  options: SqliteStoreOptions,
): Promise<{ readonly store: GatewayStore; readonly reconciled: number }> {
  migrate(db, GATEWAY_MIGRATIONS, { name: 'gateway.db' });
  const { injectFault } = options;
  const outcomes = batchOutcomes(options.onCommit);
  const commits = new GroupCommit(db, {
    name: 'gateway.db',
    onCommit: outcomes.onCommit,
    onFailure: outcomes.onFailure,
    ...(injectFault ? { beforeCommit: () => injectFault({ code: 'SQLITE_IOERR_WRITE' }) } : {}),
    ...(options.scheduler ? { scheduler: options.scheduler } : {}),
  });
  const payments = new SqlitePaymentStore(db, commits, options.describe, options.now);
  const decisions = SqliteDecisionLog.attach(db, commits, {
    owner: options.owner,
    afterDecide: (txid, decision, cause) => {
      payments.settleNow(txid, decision, cause);
    },
    ...(options.now ? { now: options.now } : {}),
  });
  payments.useLog(decisions);
  const reconciled = await payments.reconcile();
  const store: GatewayStore = {
    backend: 'sqlite',
    users: new SqliteUserStore(db),
    sessions: new SqliteSessionStore(db),
    throttle: new SqliteLoginThrottle(db, options.owner),
    payments,
    decisions,
    ops: new SqliteOpsView(db),
    // A file is always reachable; it is unhealthy while its writes fail, until a probe succeeds.
    ping: () => (outcomes.failing ? commits.probe() : Promise.resolve()),
    close: () => {
      if (db.open) {
        commits.flush();
        db.close();
      }
      return Promise.resolve();
    },
  };
  return { store, reconciled };
}

/** Files from before the stores shared `gateway.db`, and the tables each held. */
const LEGACY_FILES = [
  { file: 'coordinator.db', tables: ['transactions', 'legs'] },
  { file: 'idempotency.db', tables: ['idempotency_keys'] },
] as const;

/**
 * Copies the decision log and idempotency keys of a data directory from before `gateway.db`
 * (each had its own file) into it, then renames the old file so it is not merged again. Without
 * this, a decided transaction whose phase 2 had not finished would be presumed aborted after an
 * upgrade while one of its legs may already be committed. Rows already present win, so a merge
 * interrupted before the rename is simply repeated. Runs between the released layout and the
 * later steps, which then convert what it merged.
 */
function mergeLegacyFiles(db: Database.Database, dataDir: string): string[] {
  const merged: string[] = [];
  for (const { file, tables } of LEGACY_FILES) {
    const path = join(dataDir, file);
    if (!existsSync(path)) continue;
    db.prepare('ATTACH DATABASE ? AS legacy').run(path);
    try {
      db.transaction(() => {
        for (const table of tables) {
          db.exec(`INSERT OR IGNORE INTO main.${table} SELECT * FROM legacy.${table}`);
        }
      }).immediate();
    } finally {
      db.exec('DETACH DATABASE legacy');
    }
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(path + suffix)) renameSync(path + suffix, `${path}.merged${suffix}`);
    }
    merged.push(file);
  }
  return merged;
}
