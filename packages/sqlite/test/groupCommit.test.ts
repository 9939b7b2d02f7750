import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { GroupCommit, openDurableDatabase } from '../src';

let dir: string;
let path: string;
let db: Database.Database;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'strife-sqlite-'));
  path = join(dir, 'test.db');
  db = openDurableDatabase(path);
  db.exec(`
    CREATE TABLE parent (id INTEGER PRIMARY KEY);
    CREATE TABLE item (
      id INTEGER PRIMARY KEY,
      parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED
    );
    INSERT INTO parent (id) VALUES (1);
  `);
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const insert =
  (id: number, parent = 1) =>
  (): number =>
    db.prepare('INSERT INTO item (id, parent) VALUES (?, ?)').run(id, parent).changes;

const stored = (connection: Database.Database = db): number[] =>
  connection
    .prepare<[], { id: number }>('SELECT id FROM item ORDER BY id')
    .all()
    .map((r) => r.id);

describe('GroupCommit', () => {
  it('runs the writes of one turn in one transaction, in order, when the turn ends', async () => {
    const commits = new GroupCommit(db);
    const seen: number[] = [];
    const writes = [1, 2, 3].map((id) =>
      commits.write(() => {
        insert(id)();
        seen.push(stored().length);
        return db.inTransaction;
      }),
    );
    expect(commits.pending).toBe(3);
    expect(stored()).toEqual([]);
    await expect(Promise.all(writes)).resolves.toEqual([true, true, true]);
    expect(seen).toEqual([1, 2, 3]);
    expect(commits.pending).toBe(0);
  });

  it('settles a write only once its batch is durable and visible to other connections', async () => {
    const commits = new GroupCommit(db);
    await commits.write(insert(7));
    const other = openDurableDatabase(path);
    try {
      expect(stored(other)).toEqual([7]);
    } finally {
      other.close();
    }
  });

  it('rolls back a write that throws alone and commits the rest of its batch', async () => {
    const commits = new GroupCommit(db);
    const results = await Promise.allSettled([
      commits.write(insert(1)),
      commits.write(() => {
        insert(2)();
        throw new Error('refused');
      }),
      commits.write(insert(3)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('refused'));
    expect(stored()).toEqual([1, 3]);
  });

  it('fails every write of a batch whose commit fails, and stores none of them', async () => {
    const commits = new GroupCommit(db);
    // The foreign key is checked at COMMIT, so the bad row fails the whole transaction.
    const results = await Promise.allSettled([
      commits.write(insert(1)),
      commits.write(insert(2, 99)),
      commits.write(insert(3)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    expect(stored()).toEqual([]);
    await commits.write(insert(4));
    expect(stored()).toEqual([4]);
  });

  it('splits a long queue into transactions of at most maxBatch writes', async () => {
    const commits = new GroupCommit(db, { maxBatch: 2 });
    const results = await Promise.allSettled([
      commits.write(insert(1)),
      commits.write(insert(2)),
      commits.write(insert(3)),
      commits.write(insert(4, 99)),
      commits.write(insert(5)),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'rejected',
      'fulfilled',
    ]);
    expect(stored()).toEqual([1, 2, 5]);
  });

  it('commits at once on flush, e.g. before the connection closes', () => {
    const commits = new GroupCommit(db);
    const write = commits.write(insert(5));
    commits.flush();
    expect(stored()).toEqual([5]);
    return expect(write).resolves.toBe(1);
  });

  it('lets a later write join the next batch, or commit on its own after laterMs', async () => {
    const commits = new GroupCommit(db, { laterMs: 30 });
    const seen: number[][] = [];
    const later = commits.writeLater(insert(1));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stored()).toEqual([]);
    await commits.write(() => {
      insert(2)();
      seen.push(stored());
    });
    await expect(later).resolves.toBe(1);
    expect(seen).toEqual([[1, 2]]);

    const started = Date.now();
    await commits.writeLater(insert(3));
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(stored()).toEqual([1, 2, 3]);
  });

  it('refuses options out of range', () => {
    expect(() => new GroupCommit(db, { maxBatch: 0 })).toThrow(/maxBatch/);
    expect(() => new GroupCommit(db, { maxBatch: 1.5 })).toThrow(/maxBatch/);
    expect(() => new GroupCommit(db, { laterMs: -1 })).toThrow(/laterMs/);
  });
});

describe('openDurableDatabase', () => {
  it('opens in WAL mode with synchronous=FULL and foreign keys on', () => {
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('reads integers as bigints when asked', () => {
    const safe = openDurableDatabase(':memory:', { safeIntegers: true });
    try {
      expect(safe.prepare('SELECT 1 AS one').get()).toEqual({ one: 1n });
    } finally {
      safe.close();
    }
  });
});
