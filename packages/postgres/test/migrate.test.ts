import type { Pool } from 'pg';
import { migrate, MigrationError, type Migration, type MigrationErrorCode } from '../src';
import { createTestDatabase } from '../src/testing';
import { testPool } from './support';

const lockKey = 0x5354_5249_4645n; // any int8, the same in every process

const m1: Migration = {
  version: 1,
  name: 'create counter',
  sql: 'CREATE TABLE counter (n bigint NOT NULL); INSERT INTO counter VALUES (0);',
};
const m2: Migration = { version: 2, name: 'add one', sql: 'UPDATE counter SET n = n + 1' };
const m3: Migration = { version: 3, name: 'add ten', sql: 'UPDATE counter SET n = n + 10' };

const pools: Pool[] = [];

async function freshPool(max = 2): Promise<Pool> {
  const pool = testPool(await createTestDatabase('migrate'), { max });
  pools.push(pool);
  return pool;
}

afterAll(() => Promise.all(pools.map((pool) => pool.end())));

async function counter(pool: Pool): Promise<bigint> {
  const { rows } = await pool.query<{ n: bigint }>('SELECT n FROM counter');
  return rows[0]!.n;
}

async function recorded(pool: Pool): Promise<{ version: number; name: string }[]> {
  const { rows } = await pool.query<{ version: number; name: string }>(
    'SELECT version, name FROM schema_migrations ORDER BY version',
  );
  return rows;
}

async function refusal(
  promise: Promise<unknown>,
  code: MigrationErrorCode,
): Promise<MigrationError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(MigrationError);
  expect(error).toMatchObject({ code });
  return error as MigrationError;
}

describe('migrate', () => {
  it('applies each migration exactly once when three processes start together', async () => {
    const first = await freshPool();
    const url = first.options.connectionString!;
    const others = [testPool(url, { max: 2 }), testPool(url, { max: 2 })];
    pools.push(...others);
    const results = await Promise.all(
      [first, ...others].map((pool) => migrate(pool, [m1, m2, m3], { lockKey })),
    );
    const applied = results.flat().map((m) => m.version);
    expect(applied.sort()).toEqual([1, 2, 3]);
    expect(await counter(first)).toBe(11n);
    expect(await recorded(first)).toEqual([
      { version: 1, name: 'create counter' },
      { version: 2, name: 'add one' },
      { version: 3, name: 'add ten' },
    ]);
    const { rows } = await first.query<{ applied_at: Date }>(
      'SELECT applied_at FROM schema_migrations',
    );
    expect(rows.every((row) => row.applied_at instanceof Date)).toBe(true);
  });

  it('applies only what is new, and nothing when the database is current', async () => {
    const pool = await freshPool();
    await expect(migrate(pool, [m1], { lockKey })).resolves.toEqual([
      { version: 1, name: 'create counter' },
    ]);
    await expect(migrate(pool, [m1, m2, m3], { lockKey })).resolves.toEqual([
      { version: 2, name: 'add one' },
      { version: 3, name: 'add ten' },
    ]);
    await expect(migrate(pool, [m1, m2, m3], { lockKey })).resolves.toEqual([]);
    expect(await counter(pool)).toBe(11n);
  });

  it('refuses a database newer than the newest migration given', async () => {
    const pool = await freshPool();
    await migrate(pool, [m1, m2, m3], { lockKey });
    const error = await refusal(migrate(pool, [m1, m2], { lockKey }), 'database-newer');
    expect(error.message).toMatch(/schema version 3, newer than this program's newest migration 2/);
  });

  it('refuses a history in which a released migration was edited or removed', async () => {
    const pool = await freshPool();
    await migrate(pool, [m1, m2, m3], { lockKey });
    const renamed = { ...m2, name: 'add one, differently' };
    const edited = await refusal(migrate(pool, [m1, renamed, m3], { lockKey }), 'edited');
    expect(edited.message).toMatch(
      /records migration 2 as "add one" but this program has "add one, differently"/,
    );
    await refusal(migrate(pool, [m1, m3], { lockKey }), 'edited');
    expect(await counter(pool)).toBe(11n);
  });

  it('refuses a migration older than the newest applied one that was never applied', async () => {
    const pool = await freshPool();
    await migrate(pool, [m1, m3], { lockKey });
    await refusal(migrate(pool, [m1, m2, m3], { lockKey }), 'out-of-order');
    expect(await counter(pool)).toBe(10n);
  });

  it('rolls back a failing migration alone, keeping the ones before it', async () => {
    const pool = await freshPool();
    const broken = { ...m2, sql: 'UPDATE counter SET n = n + 1; SELECT 1 / 0;' };
    const error = await refusal(migrate(pool, [m1, broken, m3], { lockKey }), 'failed');
    expect(error.message).toMatch(/migration 2 \(add one\) failed: division by zero/);
    expect(error.cause).toMatchObject({ code: '22012' });
    expect(await recorded(pool)).toEqual([{ version: 1, name: 'create counter' }]);
    expect(await counter(pool)).toBe(0n);
    await expect(migrate(pool, [m1, m2, m3], { lockKey })).resolves.toHaveLength(2);
    expect(await counter(pool)).toBe(11n);
  });

  it('refuses a malformed list before touching the database', async () => {
    const pool = await freshPool();
    await refusal(migrate(pool, [m2, m1], { lockKey }), 'invalid-migrations');
    await refusal(migrate(pool, [m1, m1], { lockKey }), 'invalid-migrations');
    await refusal(migrate(pool, [{ ...m1, version: 0 }], { lockKey }), 'invalid-migrations');
    await refusal(migrate(pool, [{ ...m1, name: ' ' }], { lockKey }), 'invalid-migrations');
    await refusal(migrate(pool, [m1], { lockKey: 2n ** 63n }), 'invalid-migrations');
    const { rows } = await pool.query("SELECT to_regclass('schema_migrations') AS t");
    expect(rows).toEqual([{ t: null }]);
  });
});
