import type { Pool, PoolClient } from 'pg';
import { errorMessage } from './errorMessage';
import { MigrationError } from './migrationError';
import { isDatabaseUnavailable } from './unavailable';

/** One step of a schema, applied once per database and never edited once released. */
export interface Migration {
  /** Positive integer; the list given to `migrate` is in increasing order of version. */
  readonly version: number;
  /** Recorded with the version, and compared at every start to catch an edited migration. */
  readonly name: string;
  /** One or more statements, run in a transaction (so no `CREATE INDEX CONCURRENTLY`). */
  readonly sql: string;
}

export interface MigrateOptions {
  /**
   * Key of the `pg_advisory_xact_lock` that serializes migrations across processes; one per
   * schema, the same in every process that migrates it. Any int8.
   */
  readonly lockKey: bigint;
  /**
   * `statement_timeout` while migrating, including the wait for another process's migration.
   * 0 for none. Default 0: a migration may legitimately take long, and a stuck holder of the lock
   * is ended by the pool's idle-in-transaction timeout.
   */
  readonly statementTimeoutMs?: number;
}

/** A migration `migrate` applied. */
export interface AppliedMigration {
  readonly version: number;
  readonly name: string;
}

const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

/**
 * Brings the database up to the newest of `migrations`, recording each in
 * `schema_migrations(version, name, applied_at)`. Each migration is applied in a transaction of
 * its own that first takes `pg_advisory_xact_lock(lockKey)` and then re-reads what is applied,
 * so processes starting together apply each migration exactly once (the others wait, then see
 * it). Refuses, with a `MigrationError`, a database that records a newer version, a different
 * name for a version, or a gap before its newest version. Returns what this call applied.
 */
export async function migrate(
  pool: Pool,
  migrations: readonly Migration[],
  options: MigrateOptions,
): Promise<AppliedMigration[]> {
  checkMigrations(migrations, options);
  const client = await pool.connect();
  const ignore = (): void => undefined;
  client.on('error', ignore);
  let broken: Error | undefined;
  try {
    const applied: AppliedMigration[] = [];
    for (;;) {
      const step = await inTransaction(client, () => applyNext(client, migrations, options));
      if (step === undefined) return applied;
      applied.push(step);
    }
  } catch (error) {
    if (isDatabaseUnavailable(error)) broken = error as Error;
    throw error;
  } finally {
    client.off('error', ignore);
    client.release(broken);
  }
}

function checkMigrations(migrations: readonly Migration[], options: MigrateOptions): void {
  const invalid = (message: string): never => {
    throw new MigrationError('invalid-migrations', message);
  };
  if (options.lockKey < INT8_MIN || options.lockKey > INT8_MAX) {
    invalid(`lockKey ${options.lockKey} is outside int8`);
  }
  const timeout = options.statementTimeoutMs ?? 0;
  if (!Number.isInteger(timeout) || timeout < 0) {
    invalid(`statementTimeoutMs must be an integer >= 0, got ${timeout}`);
  }
  let previous = 0;
  for (const { version, name } of migrations) {
    if (!Number.isInteger(version) || version < 1 || version > 2 ** 31 - 1) {
      invalid(`migration version ${version} is not a positive int4`);
    }
    if (version <= previous) {
      invalid(`migration ${version} comes after ${previous}: versions must increase`);
    }
    if (name.trim() === '') invalid(`migration ${version} has no name`);
    previous = version;
  }
}

async function inTransaction<T>(client: PoolClient, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Under the lock: checks the recorded history and applies the next migration, if any. */
async function applyNext(
  client: PoolClient,
  migrations: readonly Migration[],
  options: MigrateOptions,
): Promise<AppliedMigration | undefined> {
  await client.query(`SET LOCAL statement_timeout = ${options.statementTimeoutMs ?? 0}`);
  await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [options.lockKey]);
  await client.query(`
    CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  const { rows } = await client.query<{ version: number; name: string }>(
    'SELECT version, name FROM schema_migrations ORDER BY version',
  );
  const next = nextMigration(migrations, rows);
  if (next === undefined) return undefined;
  try {
    await client.query(next.sql);
  } catch (error) {
    const reason = errorMessage(error);
    throw new MigrationError(
      'failed',
      `migration ${next.version} (${next.name}) failed: ${reason}`,
      {
        cause: error,
      },
    );
  }
  await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
    next.version,
    next.name,
  ]);
  return { version: next.version, name: next.name };
}

/** The first migration not yet recorded, after checking that the record matches the list. */
export function nextMigration(
  migrations: readonly Migration[],
  recorded: readonly AppliedMigration[],
): Migration | undefined {
  const byVersion = new Map(migrations.map((m) => [m.version, m]));
  const newestGiven = migrations.at(-1)?.version ?? 0;
  const newestRecorded = recorded.at(-1)?.version ?? 0;
  if (newestRecorded > newestGiven) {
    throw new MigrationError(
      'database-newer',
      `the database is at schema version ${newestRecorded}, newer than this program's newest migration ${newestGiven}`,
    );
  }
  for (const row of recorded) {
    const given = byVersion.get(row.version);
    if (given?.name !== row.name) {
      throw new MigrationError(
        'edited',
        given === undefined
          ? `the database records migration ${row.version} (${row.name}), which this program does not have`
          : `the database records migration ${row.version} as "${row.name}" but this program has "${given.name}": a released migration was edited`,
      );
    }
  }
  const applied = new Set(recorded.map((row) => row.version));
  const missing = migrations.find((m) => !applied.has(m.version));
  if (missing !== undefined && missing.version < newestRecorded) {
    throw new MigrationError(
      'out-of-order',
      `migration ${missing.version} (${missing.name}) was never applied, but the database is already at ${newestRecorded}`,
    );
  }
  return missing;
}
