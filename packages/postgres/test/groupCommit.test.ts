import type { Pool, PoolClient } from 'pg';
import { DatabaseUnavailable, PgGroupCommit, type BatchWriter } from '../src';
import { createTestDatabase } from '../src/testing';
import { deferred, nextTurn, testPool } from './support';

interface Item {
  readonly id: bigint;
  readonly amount: bigint;
}

let url: string;
let pool: Pool;
let other: Pool;
let runs: string[];

beforeAll(async () => {
  url = await createTestDatabase('groupcommit');
  pool = testPool(url);
  other = testPool(url);
  await pool.query(`
    CREATE TABLE item (
      id bigint PRIMARY KEY,
      amount bigint NOT NULL CHECK (amount >= 0),
      txid bigint NOT NULL DEFAULT txid_current()
    );
    CREATE TABLE note (id bigserial PRIMARY KEY, body text NOT NULL, txid bigint NOT NULL DEFAULT txid_current());
    -- Kills its own session at COMMIT, when deferred triggers run: the client loses the
    -- connection during COMMIT without knowing whether it committed.
    CREATE FUNCTION die() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NULL; END $$;
    CREATE CONSTRAINT TRIGGER die_at_commit AFTER INSERT ON item DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW WHEN (NEW.id = 666) EXECUTE FUNCTION die();
  `);
});

beforeEach(async () => {
  runs = [];
  await pool.query('TRUNCATE item, note');
});

afterAll(async () => {
  await pool.end();
  await other.end();
});

/** One set-based INSERT per batch; returns each input's transaction id. */
const items: BatchWriter<Item, bigint> = {
  name: 'items',
  async run(client, inputs) {
    runs.push(`items x${inputs.length}`);
    const { rows } = await client.query<{ id: bigint; txid: bigint }>(
      `INSERT INTO item (id, amount) SELECT * FROM unnest($1::bigint[], $2::bigint[])
       RETURNING id, txid`,
      [inputs.map((i) => i.id), inputs.map((i) => i.amount)],
    );
    const txids = new Map(rows.map((row) => [row.id, row.txid]));
    return inputs.map((input) => txids.get(input.id) ?? -1n);
  },
};

const notes: BatchWriter<string, bigint> = {
  name: 'notes',
  async run(client, inputs) {
    runs.push(`notes x${inputs.length}`);
    const { rows } = await client.query<{ txid: bigint }>(
      'INSERT INTO note (body) SELECT body FROM unnest($1::text[]) WITH ORDINALITY AS t(body, n) ORDER BY n RETURNING txid',
      [inputs],
    );
    return rows.map((row) => row.txid);
  },
};

/** A writer whose batch stops, inside its transaction, until `gate` opens. */
function gated(entered: () => void, gate: Promise<void>): BatchWriter<Item, bigint> {
  return {
    name: 'gated',
    async run(client: PoolClient, inputs) {
      const txids = await items.run(client, inputs);
      entered();
      await gate;
      return txids;
    },
  };
}

const item = (id: number, amount = 100): Item => ({ id: BigInt(id), amount: BigInt(amount) });

async function stored(): Promise<bigint[]> {
  const { rows } = await other.query<{ id: bigint }>('SELECT id FROM item ORDER BY id');
  return rows.map((row) => row.id);
}

describe('PgGroupCommit', () => {
  it('commits the writes of one turn in one transaction, one run per writer, in first-queued order', async () => {
    const commits = new PgGroupCommit(pool);
    const written = Promise.all([
      commits.write(items, item(1)),
      commits.write(notes, 'first note'),
      commits.write(items, item(2)),
      commits.write(notes, 'second note'),
      commits.write(items, item(3)),
    ]);
    expect(commits.pending).toBe(5);
    const txids = await written;
    expect(new Set(txids).size).toBe(1);
    expect(runs).toEqual(['items x3', 'notes x2']);
    expect(await stored()).toEqual([1n, 2n, 3n]);

    const later = await commits.write(items, item(4));
    expect(later).not.toBe(txids[0]);
  });

  it('settles a write only after COMMIT, when other connections see it', async () => {
    const commits = new PgGroupCommit(pool);
    const entered = deferred();
    const gate = deferred();
    let settled = false;
    const write = commits.write(gated(entered.resolve, gate.promise), item(7)).finally(() => {
      settled = true;
    });
    await entered.promise; // the row is inserted, the transaction still open
    expect(await stored()).toEqual([]);
    expect(settled).toBe(false);
    gate.resolve();
    await write;
    expect(await stored()).toEqual([7n]);
  });

  it('retries each write of a failed batch alone, so only the bad one fails', async () => {
    await pool.query('INSERT INTO item (id, amount) VALUES (2, 1)');
    const commits = new PgGroupCommit(pool);
    const results = await Promise.allSettled([
      commits.write(items, item(1)),
      commits.write(items, item(2)), // duplicate key
      commits.write(notes, 'kept'),
      commits.write(items, item(3, -5)), // check constraint
      commits.write(items, item(4)),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: '23505' });
    expect((results[3] as PromiseRejectedResult).reason).toMatchObject({ code: '23514' });
    expect(await stored()).toEqual([1n, 2n, 4n]);
    const { rows } = await other.query<{ body: string }>('SELECT body FROM note');
    expect(rows).toEqual([{ body: 'kept' }]);
  });

  it('runs a batch of one oneStatement writer as that statement alone, and still isolates a bad input', async () => {
    // The first word of every query the group commit's connections send.
    const sent: string[] = [];
    const logged = testPool(url);
    logged.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      Object.assign(client, {
        query: (...args: unknown[]) => {
          if (typeof args[0] === 'string') sent.push(args[0].trim().split(/\s/)[0] ?? '');
          return query(...args);
        },
      });
    });
    const single: BatchWriter<Item, bigint> = { ...items, name: 'single', oneStatement: true };
    const commits = new PgGroupCommit(logged);
    try {
      await expect(
        Promise.all([commits.write(single, item(1)), commits.write(single, item(2))]),
      ).resolves.toHaveLength(2);
      expect(sent).toEqual(['INSERT']);
      // With another writer in the batch it runs inside the batch's transaction.
      sent.length = 0;
      await Promise.all([commits.write(single, item(3)), commits.write(notes, 'with')]);
      expect(sent).toEqual(['BEGIN', 'INSERT', 'INSERT', 'COMMIT']);
      const results = await Promise.allSettled([
        commits.write(single, item(4)),
        commits.write(single, item(5, -1)), // check constraint
        commits.write(single, item(6)),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(await stored()).toEqual([1n, 2n, 3n, 4n, 6n]);
    } finally {
      await logged.end();
    }
  });

  it('tells onFailure of a failed batch; a probe commits once the database takes writes again', async () => {
    let failing = 2;
    const failures: unknown[] = [];
    const commits = new PgGroupCommit(pool, {
      beforeCommit: () => {
        if (failing-- > 0) throw Object.assign(new Error('disk full'), { code: '53100' });
      },
      onFailure: (error) => failures.push(error),
    });
    await expect(commits.write(items, item(1))).rejects.toMatchObject({ code: '53100' });
    expect(failures).toEqual([expect.objectContaining({ code: '53100' })]);
    await expect(commits.probe()).rejects.toMatchObject({ code: '53100' });
    await expect(commits.probe()).resolves.toBeUndefined();
    expect(failures).toHaveLength(2);
    expect(await stored()).toEqual([]);
  });

  it('fails a write whose writer swallowed a failed statement, as COMMIT rolls it back', async () => {
    const swallowing: BatchWriter<Item, bigint> = {
      name: 'swallowing',
      async run(client, inputs) {
        await client.query('SELECT 1 / 0').catch(() => undefined);
        return inputs.map(() => 0n);
      },
    };
    const commits = new PgGroupCommit(pool);
    const results = await Promise.allSettled([
      commits.write(items, item(1)),
      commits.write(swallowing, item(2)),
    ]);
    expect(results[0].status).toBe('fulfilled');
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({
      message: expect.stringMatching(/COMMIT was a ROLLBACK/) as unknown,
    });
    expect(await stored()).toEqual([1n]);
  });

  it('fails a write whose writer returns the wrong number of outputs', async () => {
    const short: BatchWriter<Item, bigint> = { name: 'short', run: () => Promise.resolve([]) };
    const commits = new PgGroupCommit(pool);
    await expect(commits.write(short, item(1))).rejects.toThrow(
      'BatchWriter short returned 0 outputs for 1 inputs',
    );
  });

  it('reports a oneStatement batch with the wrong number of outputs as unknown, never retried', async () => {
    const short: BatchWriter<Item, bigint> = {
      name: 'short',
      oneStatement: true,
      run: async (client, inputs) => {
        await items.run(client, inputs);
        return [];
      },
    };
    const commits = new PgGroupCommit(pool);
    const results = await Promise.allSettled([
      commits.write(short, item(1)),
      commits.write(short, item(2)),
    ]);
    for (const result of results) {
      expect(result).toMatchObject({
        status: 'rejected',
        reason: { code: 'DATABASE_UNAVAILABLE', outcome: 'unknown' },
      });
    }
    expect(await stored()).toEqual([1n, 2n]);
  });

  it('does not retry a write whose connection was lost during COMMIT: its outcome is unknown', async () => {
    const commits = new PgGroupCommit(pool);
    const results = await Promise.allSettled([
      commits.write(items, item(1)),
      commits.write(items, item(666)),
      commits.write(notes, 'same batch'),
    ]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      const reason = (result as PromiseRejectedResult).reason as unknown;
      expect(reason).toBeInstanceOf(DatabaseUnavailable);
      expect(reason).toMatchObject({ outcome: 'unknown', cause: { code: '57P01' } });
    }
    expect(runs).toEqual(['items x2', 'notes x1']); // run once: never retried
    expect(await stored()).toEqual([]);
    await expect(commits.write(items, item(2))).resolves.toEqual(expect.any(BigInt));
  });

  it('splits a long queue into transactions of at most maxBatch writes', async () => {
    const commits = new PgGroupCommit(pool, { maxBatch: 2 });
    const txids = await Promise.all([1, 2, 3, 4, 5].map((id) => commits.write(items, item(id))));
    expect(txids[0]).toBe(txids[1]);
    expect(txids[2]).toBe(txids[3]);
    expect(new Set(txids).size).toBe(3);
  });

  it('runs at most maxInFlight batches; writes queued meanwhile go together in the next', async () => {
    const commits = new PgGroupCommit(pool, { maxInFlight: 1 });
    const entered = deferred();
    const gate = deferred();
    const first = commits.write(gated(entered.resolve, gate.promise), item(1));
    await entered.promise;
    const second = [commits.write(items, item(2)), commits.write(notes, 'waiting')];
    await nextTurn();
    const third = commits.write(items, item(3));
    await nextTurn();
    expect(commits.pending).toBe(3);
    gate.resolve();
    const [one, two, note, three] = await Promise.all([first, ...second, third]);
    expect(new Set([two, note, three]).size).toBe(1);
    expect(two).not.toBe(one);
  });

  it('lets writeLater join the next batch, or commit alone after laterMs', async () => {
    const commits = new PgGroupCommit(pool, { laterMs: 20 });
    const later = commits.writeLater(items, item(1));
    await nextTurn();
    expect(commits.pending).toBe(1); // waits for company
    const now = commits.write(items, item(2));
    const [a, b] = await Promise.all([later, now]);
    expect(a).toBe(b);
    await expect(commits.writeLater(items, item(3))).resolves.toEqual(expect.any(BigInt));
    expect(await stored()).toEqual([1n, 2n, 3n]);
  });

  it('commits everything queued on flush, and waits for batches in flight', async () => {
    const commits = new PgGroupCommit(pool, { laterMs: 60_000 });
    const entered = deferred();
    const gate = deferred();
    const inFlight = commits.write(gated(entered.resolve, gate.promise), item(1));
    await entered.promise;
    const later = commits.writeLater(items, item(2));
    let flushed = false;
    const flush = commits.flush().then(() => {
      flushed = true;
    });
    await nextTurn();
    expect(flushed).toBe(false);
    gate.resolve();
    await flush;
    expect(await stored()).toEqual([1n, 2n]);
    await expect(Promise.all([inFlight, later])).resolves.toHaveLength(2);
    await expect(commits.flush()).resolves.toBeUndefined();
  });

  it('refuses options out of range', () => {
    expect(() => new PgGroupCommit(pool, { maxBatch: 0 })).toThrow(/maxBatch/);
    expect(() => new PgGroupCommit(pool, { maxInFlight: 1.5 })).toThrow(/maxInFlight/);
    expect(() => new PgGroupCommit(pool, { laterMs: -1 })).toThrow(/laterMs/);
  });
});
