import { DependencyUnavailable } from '@strife/domain';
import { isDatabaseUnavailable } from '@strife/postgres';
import type { Pool, PoolClient, QueryResultRow } from 'pg';

/**
 * The database's clock in ms since the epoch. Leases are timed by it, never by an instance's own
 * clock, so instances whose clocks disagree still agree on whose lease has run out.
 */
export const NOW_MS = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;

/**
 * Runs `work`, turning "the database cannot be reached" into DependencyUnavailable (gRPC
 * UNAVAILABLE: the client retries, or fails over to another instance) and leaving every other
 * error (a bug, a constraint) as it is.
 */
export async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isDatabaseUnavailable(error)) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new DependencyUnavailable(`the gateway's database is unavailable: ${reason}`);
    }
    throw error;
  }
}

/** One query's rows, guarded. */
export function rows<R extends QueryResultRow>(
  db: Pool | PoolClient,
  text: string,
  values: readonly unknown[] = [],
): Promise<R[]> {
  return guarded(async () => (await db.query<R>(text, [...values])).rows);
}

/** Runs `work` in one transaction on one pooled connection (READ COMMITTED), guarded. */
export function transaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  return guarded(async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  });
}
