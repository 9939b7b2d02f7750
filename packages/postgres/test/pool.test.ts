import type { Pool } from 'pg';
import { openPool } from '../src';
import { parseBigintArray } from '../src/bigintTypes';
import { createTestDatabase } from '../src/testing';
import { deferred, testPool } from './support';

const INT8_MAX = 2n ** 63n - 1n;
const INT8_MIN = -(2n ** 63n);

let url: string;
let pool: Pool;

beforeAll(async () => {
  url = await createTestDatabase('pool');
  pool = testPool(url);
  await pool.query('CREATE TABLE account (id bigint PRIMARY KEY, balance bigint NOT NULL)');
});

afterAll(() => pool.end());

describe('openPool', () => {
  it('reads int8 as bigint and writes bigint parameters, to the limits of int8', async () => {
    await pool.query(
      'INSERT INTO account (id, balance) SELECT * FROM unnest($1::bigint[], $2::bigint[])',
      [
        [1n, 2n, 3n],
        [INT8_MAX, INT8_MIN, 9_007_199_254_740_993n],
      ],
    );
    const { rows } = await pool.query<{ id: bigint; balance: bigint }>(
      'SELECT id, balance FROM account WHERE balance = ANY($1::bigint[]) ORDER BY id',
      [[INT8_MAX, INT8_MIN, 9_007_199_254_740_993n]],
    );
    expect(rows).toEqual([
      { id: 1n, balance: INT8_MAX },
      { id: 2n, balance: INT8_MIN },
      { id: 3n, balance: 9_007_199_254_740_993n },
    ]);
    const sums = await pool.query<{ total: string; n: bigint; big: bigint }>(
      'SELECT sum(balance)::text AS total, count(*) AS n, $1::int8 AS big FROM account',
      [INT8_MAX],
    );
    expect(sums.rows[0]).toEqual({ total: '9007199254740992', n: 3n, big: INT8_MAX });
  });

  it('reads int8[] as arrays of bigint, with NULLs and several dimensions', async () => {
    const { rows } = await pool.query<{ flat: unknown; grid: unknown; empty: unknown }>(
      `SELECT ARRAY[1, NULL, $1::int8] AS flat,
              '[0:1][1:2]={{1,2},{3,-4}}'::int8[] AS grid,
              '{}'::int8[] AS empty`,
      [INT8_MIN],
    );
    expect(rows[0]).toEqual({
      flat: [1n, null, INT8_MIN],
      grid: [
        [1n, 2n],
        [3n, -4n],
      ],
      empty: [],
    });
    expect(() => parseBigintArray('{1,2')).toThrow(SyntaxError);
  });

  it('leaves int4 and numeric as pg reads them, and changes no other pool', async () => {
    const other = new (pool.constructor as typeof Pool)({ connectionString: url });
    try {
      const ours = await pool.query('SELECT 1::int4 AS small, 2::int8 AS big, 1.5::numeric AS n');
      expect(ours.rows[0]).toEqual({ small: 1, big: 2n, n: '1.5' });
      const theirs = await other.query('SELECT 2::int8 AS big');
      expect(theirs.rows[0]).toEqual({ big: '2' });
    } finally {
      await other.end();
    }
  });

  it('sets the statement and idle-in-transaction timeouts on every connection', async () => {
    const custom = openPool({
      url,
      statementTimeoutMs: 1234,
      idleInTransactionTimeoutMs: 4321,
      applicationName: 'strife-test',
      onError: () => undefined,
    });
    try {
      const { rows } = await custom.query<Record<string, string>>(
        `SELECT current_setting('statement_timeout') AS statement,
                current_setting('idle_in_transaction_session_timeout') AS idle,
                current_setting('application_name') AS app`,
      );
      expect(rows[0]).toEqual({ statement: '1234ms', idle: '4321ms', app: 'strife-test' });
      const defaults = await pool.query<Record<string, string>>(
        `SELECT current_setting('statement_timeout') AS statement,
                current_setting('idle_in_transaction_session_timeout') AS idle`,
      );
      expect(defaults.rows[0]).toEqual({ statement: '10s', idle: '10s' });
      await expect(custom.query('SELECT pg_sleep(5)')).rejects.toMatchObject({ code: '57014' });
    } finally {
      await custom.end();
    }
  });

  it('ends a session left idle in a transaction, releasing its row locks', async () => {
    const short = openPool({ url, idleInTransactionTimeoutMs: 200, onError: () => undefined });
    const stuck = await short.connect();
    const lost = deferred<Error>();
    stuck.on('error', lost.resolve);
    try {
      await stuck.query('BEGIN');
      await stuck.query('SELECT * FROM account WHERE id = 1 FOR UPDATE');
      // The lock is released when the server ends the session, so this waits, then succeeds.
      await pool.query('UPDATE account SET balance = 0 WHERE id = 1');
      expect((await lost.promise).message).toMatch(/idle-in-transaction timeout|terminat/i);
    } finally {
      stuck.release(true);
      await short.end();
    }
  });

  it('hands an idle connection error to onError instead of crashing the process', async () => {
    const errors = deferred<Error>();
    const watched = openPool({ url, applicationName: 'victim', onError: errors.resolve });
    try {
      await watched.query('SELECT 1'); // leaves one idle connection in the pool
      await pool.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'victim'",
      );
      expect((await errors.promise).message).toMatch(/terminating connection/);
      await expect(watched.query('SELECT 1 AS ok')).resolves.toMatchObject({ rows: [{ ok: 1 }] });
    } finally {
      await watched.end();
    }
  });

  it('refuses options out of range, and a bad URL without echoing it', () => {
    const onError = (): void => undefined;
    expect(() => openPool({ url, max: 0, onError })).toThrow(/max must be a positive integer/);
    expect(() => openPool({ url, statementTimeoutMs: 0.5, onError })).toThrow(/statementTimeoutMs/);
    expect(() => openPool({ url: 'postgresql://u:hunter2@/x', onError })).toThrow(
      /^PoolOptions.url is not a valid URL/,
    );
    expect(() => openPool({ url: 'postgresql://u:hunter2@/x', onError })).not.toThrow(/hunter2/);
  });
});
