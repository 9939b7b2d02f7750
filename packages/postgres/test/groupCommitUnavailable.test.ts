import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'pg';
import {
  DatabaseUnavailable,
  isDatabaseUnavailable,
  openPool,
  PgGroupCommit,
  startPrivatePostgres,
  type BatchWriter,
  type PrivatePostgres,
} from '../src';
import { deferred } from './support';

// A server of this file's own, since it is stopped and started again.
let dir: string;
let server: PrivatePostgres;
let pool: Pool;
const idleBroke = deferred<Error>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'strife-pg-outage-'));
  chmodSync(dir, 0o755); // reachable by the server's user when we are root
  server = await startPrivatePostgres({ dataDir: join(dir, 'data') });
  pool = openPool({ url: server.url, connectTimeoutMs: 2000, onError: idleBroke.resolve });
  await pool.query('CREATE TABLE item (id bigint PRIMARY KEY)');
});

afterAll(async () => {
  await pool.end();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

const items: BatchWriter<bigint, bigint> = {
  name: 'items',
  async run(client, ids) {
    await client.query('INSERT INTO item (id) SELECT * FROM unnest($1::bigint[])', [ids]);
    return ids;
  },
};

async function restart(): Promise<void> {
  const password = decodeURIComponent(new URL(server.url).password);
  server = await startPrivatePostgres({ dataDir: server.dataDir, port: server.port, password });
}

async function rejections(writes: Promise<unknown>[]): Promise<unknown[]> {
  const results = await Promise.allSettled(writes);
  return results.map((r) => (r.status === 'rejected' ? (r.reason as unknown) : 'fulfilled'));
}

describe('PgGroupCommit when the database goes away', () => {
  it('fails every write of a batch in flight with DatabaseUnavailable, and recovers', async () => {
    const commits = new PgGroupCommit(pool);
    await commits.write(items, 1n);
    // Two connections, so that one is idle in the pool when the server goes.
    await Promise.all([pool.query('SELECT 1'), pool.query('SELECT 1')]);

    const entered = deferred();
    const gate = deferred();
    const stalled: BatchWriter<bigint, bigint> = {
      name: 'stalled',
      async run(client, ids) {
        entered.resolve();
        await gate.promise;
        return items.run(client, ids);
      },
    };
    const batch = [commits.write(stalled, 2n), commits.write(items, 3n), commits.write(items, 4n)];
    await entered.promise; // BEGIN done, the batch's transaction open
    await server.stop(); // fast shutdown: the open transaction's session is terminated
    gate.resolve();
    for (const reason of await rejections(batch)) {
      expect(reason).toBeInstanceOf(DatabaseUnavailable);
      expect(reason).toMatchObject({ outcome: 'not-committed' });
    }

    // While it is down, a new batch cannot even connect.
    const down = await rejections([commits.write(items, 5n), commits.write(items, 6n)]);
    for (const reason of down) {
      expect(reason).toBeInstanceOf(DatabaseUnavailable);
      expect(isDatabaseUnavailable(reason)).toBe(true);
    }
    // The idle connection broke too, and went to onError rather than crashing the process.
    expect((await idleBroke.promise).message).toMatch(/terminating connection|terminated/);

    await restart();
    await expect(commits.write(items, 7n)).resolves.toBe(7n);
    const { rows } = await pool.query<{ id: bigint }>('SELECT id FROM item ORDER BY id');
    expect(rows.map((row) => row.id)).toEqual([1n, 7n]);
  });

  it('fails the writes left to retry alone once the database goes away during the retries', async () => {
    const commits = new PgGroupCommit(pool);
    await commits.write(items, 10n);
    let calls = 0;
    const stopping: BatchWriter<bigint, bigint> = {
      name: 'stopping',
      async run(client, ids) {
        calls++;
        // Only called alone: the batch failed first, in the items writer, on the duplicate key.
        if (calls === 1) await server.stop();
        return items.run(client, ids);
      },
    };
    const results = await rejections([
      commits.write(items, 10n),
      commits.write(stopping, 11n),
      commits.write(items, 12n),
    ]);
    expect(results[0]).toMatchObject({ code: '23505' });
    expect(results[1]).toBeInstanceOf(DatabaseUnavailable);
    expect(results[2]).toMatchObject({ outcome: 'not-committed' });
    expect(results[2]).toBeInstanceOf(DatabaseUnavailable);
    expect(calls).toBe(1);

    await restart();
    const { rows } = await pool.query<{ id: bigint }>('SELECT id FROM item WHERE id >= 10');
    expect(rows).toEqual([{ id: 10n }]);
  });
});
