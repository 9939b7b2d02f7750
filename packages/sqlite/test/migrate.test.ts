import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrate, type Migration, openDurableDatabase, schemaVersion, SchemaTooNew } from '../src';

let dir: string;
let path: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'strife-migrate-'));
  path = join(dir, 'store.db');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const V1 = 'CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)';
const V2 = "ALTER TABLE notes ADD COLUMN tag TEXT NOT NULL DEFAULT 'none'";

function rows(db: Database.Database): unknown[] {
  return db.prepare('SELECT * FROM notes ORDER BY id').all();
}

describe('migrate', () => {
  it('creates a new file at the latest version and records it', () => {
    const db = openDurableDatabase(path);
    expect(migrate(db, [V1, V2], { name: 'notes' })).toEqual({ from: 0, to: 2 });
    expect(schemaVersion(db)).toBe(2);
    db.prepare("INSERT INTO notes (text, tag) VALUES ('a', 'x')").run();
    expect(rows(db)).toEqual([{ id: 1, text: 'a', tag: 'x' }]);
    db.close();
  });

  it('upgrades a file of an earlier version in place, keeping its rows', () => {
    const old = openDurableDatabase(path);
    migrate(old, [V1], { name: 'notes' });
    old.prepare("INSERT INTO notes (text) VALUES ('kept')").run();
    old.close();

    const db = openDurableDatabase(path);
    expect(migrate(db, [V1, V2], { name: 'notes' })).toEqual({ from: 1, to: 2 });
    expect(rows(db)).toEqual([{ id: 1, text: 'kept', tag: 'none' }]);
    expect(migrate(db, [V1, V2], { name: 'notes' })).toEqual({ from: 2, to: 2 });
    db.close();
  });

  it('adopts an unversioned file whose tables the first step creates IF NOT EXISTS', () => {
    const legacy = new Database(path);
    legacy.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
    legacy.prepare("INSERT INTO notes (text) VALUES ('from before versions')").run();
    legacy.close();

    const db = openDurableDatabase(path);
    expect(migrate(db, [V1, V2], { name: 'notes' })).toEqual({ from: 0, to: 2 });
    expect(rows(db)).toEqual([{ id: 1, text: 'from before versions', tag: 'none' }]);
    db.close();
  });

  it('runs each step in its own transaction: a failing step leaves the last whole version', () => {
    const refuse: Migration = (db) => {
      db.exec("INSERT INTO notes (text) VALUES ('half-done')");
      throw new Error('refused: the books need an operator');
    };
    const db = openDurableDatabase(path);
    expect(() => migrate(db, [V1, refuse, V2], { name: 'notes' })).toThrow(/need an operator/);
    expect(schemaVersion(db)).toBe(1);
    expect(rows(db)).toEqual([]);
    db.close();
  });

  it('refuses a file written by a newer build, changing nothing', () => {
    const db = openDurableDatabase(path);
    migrate(db, [V1, V2], { name: 'notes' });
    db.close();

    const older = openDurableDatabase(path);
    let error: unknown;
    try {
      migrate(older, [V1], { name: 'queue.db' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SchemaTooNew);
    expect(error).toMatchObject({
      store: 'queue.db',
      found: 2,
      supported: 1,
      message:
        'queue.db: schema version 2 is newer than this build understands (1); run a newer build',
    });
    expect(schemaVersion(older)).toBe(2);
    older.close();
  });
});

describe('openDurableDatabase', () => {
  it('makes a new file private before SQLite creates its WAL files', () => {
    const db = openDurableDatabase(path, { mode: 0o600 });
    db.exec(V1);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(`${path}-wal`).mode & 0o777).toBe(0o600);
    db.close();
  });

  it('narrows the mode of an existing file', () => {
    writeFileSync(path, '', { mode: 0o644 });
    const db = openDurableDatabase(path, { mode: 0o600 });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    db.close();
  });
});
