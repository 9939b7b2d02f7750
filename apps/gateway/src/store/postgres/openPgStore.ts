import { migrate, openPool, PgGroupCommit } from '@strife/postgres';
import { batchOutcomes } from '../batchOutcomes';
import type { GatewayStore, StoreOptions } from '../gatewayStore';
import { PgDecisionLog } from './decisions';
import { PgOpsView } from './ops';
import { PgPaymentStore } from './payments';
import { MIGRATION_LOCK, PG_MIGRATIONS } from './schema';
import { PgSessionStore } from './sessions';
import { guarded, rows } from './sql';
import { PgLoginThrottle } from './throttle';
import { PgUserStore } from './users';

export interface PgStoreOptions extends StoreOptions {
  readonly url: string;
  /** Errors of idle connections (the pool replaces them); log them. */
  readonly onPoolError: (error: Error) => void;
  /** Most connections to the database. Default 16: up to 8 in batches, the rest for reads. */
  readonly maxConnections?: number;
}

/**
 * The gateway's state on PostgreSQL, shared by every instance. Nothing is dialled until used, so
 * the store exists before the database answers; `migrate` brings the schema up to date (under an
 * advisory lock, so instances starting together apply each step once).
 */
export function openPgStore(options: PgStoreOptions): GatewayStore & {
  migrate(): Promise<string[]>;
} {
  const pool = openPool({
    url: options.url,
    max: options.maxConnections ?? 16,
    applicationName: `strife-gateway-${options.owner.name}`,
    onError: options.onPoolError,
  });
  const { injectFault } = options;
  const outcomes = batchOutcomes(options.onCommit);
  const commits = new PgGroupCommit(pool, {
    maxInFlight: 8,
    onCommit: outcomes.onCommit,
    onFailure: outcomes.onFailure,
    ...(injectFault
      ? { beforeCommit: () => injectFault({ code: '53100', severity: 'ERROR' }) }
      : {}),
  });
  return {
    backend: 'postgres',
    users: new PgUserStore(pool),
    sessions: new PgSessionStore(pool),
    throttle: new PgLoginThrottle(pool, options.owner),
    payments: new PgPaymentStore(pool, commits, options.owner),
    decisions: new PgDecisionLog(pool, commits, options.owner, options.describe),
    ops: new PgOpsView(pool),
    async migrate() {
      const applied = await guarded(() =>
        migrate(pool, PG_MIGRATIONS, { lockKey: MIGRATION_LOCK }),
      );
      return applied.map((m) => `database schema: applied ${m.version} (${m.name})`);
    },
    // Reachable is not enough: while writes fail, health follows a probe write.
    async ping() {
      if (outcomes.failing) await guarded(() => commits.probe());
      else await rows(pool, 'SELECT 1');
    },
    async close() {
      if (pool.ended) return;
      await commits.flush();
      await pool.end();
    },
  };
}
