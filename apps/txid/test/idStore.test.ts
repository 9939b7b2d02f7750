import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SchemaTooNew } from '@strife/sqlite';
import { IdStore } from '../src/idStore';

describe('the txid store file', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'strife-txid-'));
    path = join(dir, 'txid.db');
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('upgrades a file written before schema versions, keeping its high-water mark', () => {
    const old = new Database(path);
    old.exec(
      'CREATE TABLE IF NOT EXISTS high_water (id INTEGER PRIMARY KEY CHECK (id = 1), high INTEGER NOT NULL)',
    );
    old.exec('INSERT OR IGNORE INTO high_water (id, high) VALUES (1, 0)');
    old.exec('UPDATE high_water SET high = 5000 WHERE id = 1');
    old.close();

    const store = new IdStore(path);
    expect(store.lease(10)).toEqual({ first: 5001n, count: 10 });
    store.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();
  });

  it('starts a new file at 1 and refuses one written by a newer build', () => {
    const store = new IdStore(path);
    expect(store.lease(1)).toEqual({ first: 1n, count: 1 });
    store.close();
    const db = new Database(path);
    db.pragma('user_version = 7');
    db.close();
    expect(() => new IdStore(path)).toThrow(SchemaTooNew);
  });
});
