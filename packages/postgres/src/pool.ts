import { Pool } from 'pg';
import { bigintTypes } from './bigintTypes';
import { parseDatabaseUrl } from './databaseUrl';

export interface PoolOptions {
  /** A `postgres://` or `postgresql://` URL, checked as `parseDatabaseUrl` does. */
  readonly url: string;
  /** Most connections open at once. Default 10. */
  readonly max?: number;
  /**
   * `statement_timeout` of every connection: the server cancels a statement running longer.
   * Default 10000 ms.
   */
  readonly statementTimeoutMs?: number;
  /**
   * `idle_in_transaction_session_timeout` of every connection: the server ends a session that
   * sits in an open transaction this long, releasing its row locks. Without it a paused or
   * partitioned process would hold them forever, and `FOR UPDATE SKIP LOCKED` would skip those
   * rows forever. Default 10000 ms.
   */
  readonly idleInTransactionTimeoutMs?: number;
  /** Longest wait for a new connection, or for a free one when all `max` are busy. Default 5000 ms. */
  readonly connectTimeoutMs?: number;
  /** `application_name` shown in `pg_stat_activity`. Default: the URL's, else none. */
  readonly applicationName?: string;
  /**
   * Called with the error of a connection that broke while idle in the pool (e.g. the server
   * restarted). Required: without a listener the pool's `error` event would kill the process.
   * The pool has already discarded the connection; log it.
   */
  readonly onError: (error: Error) => void;
}

/**
 * Opens a pool for Strife's shared PostgreSQL state. Every connection reads `int8` as `bigint`
 * (bigint parameters need nothing: they are sent as their decimal text), and carries the
 * statement and idle-in-transaction timeouts as session settings from its startup packet, so no
 * statement can run before they apply. TCP keepalive is on, so a dead peer is noticed.
 */
export function openPool(options: PoolOptions): Pool {
  parseDatabaseUrl(options.url, 'PoolOptions.url');
  const positive = (name: string, value: number): number => {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`${name} must be a positive integer, got ${value}`);
    }
    return value;
  };
  const pool = new Pool({
    connectionString: options.url,
    max: positive('max', options.max ?? 10),
    statement_timeout: positive('statementTimeoutMs', options.statementTimeoutMs ?? 10_000),
    idle_in_transaction_session_timeout: positive(
      'idleInTransactionTimeoutMs',
      options.idleInTransactionTimeoutMs ?? 10_000,
    ),
    connectionTimeoutMillis: positive('connectTimeoutMs', options.connectTimeoutMs ?? 5000),
    ...(options.applicationName === undefined ? {} : { application_name: options.applicationName }),
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    types: bigintTypes(),
  });
  const { onError } = options;
  pool.on('error', (error) => {
    onError(error);
  });
  return pool;
}
