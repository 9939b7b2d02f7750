import Database from 'better-sqlite3';
import { type CommitScheduler, GroupCommit } from '../src';

/** A scheduler that runs nothing until the test says so. */
function manual() {
  const soon: { run: () => void; cancelled: boolean }[] = [];
  const later: { ms: number; run: () => void; cancelled: boolean }[] = [];
  const scheduler: CommitScheduler = {
    soon: (run) => {
      const entry = { run, cancelled: false };
      soon.push(entry);
      return () => {
        entry.cancelled = true;
      };
    },
    later: (ms, run) => {
      const entry = { ms, run, cancelled: false };
      later.push(entry);
      return () => {
        entry.cancelled = true;
      };
    },
  };
  return { scheduler, soon, later };
}

describe('GroupCommit with its own scheduler', () => {
  let db: Database.Database;
  beforeEach(() => {
    db = new Database(':memory:');
    db.exec('CREATE TABLE item (id INTEGER PRIMARY KEY)');
  });
  afterEach(() => {
    db.close();
  });
  const count = () => db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM item').get()?.n;
  const insert = (id: number) => () => db.prepare('INSERT INTO item (id) VALUES (?)').run(id);

  it('commits a batch only when the scheduler runs it', async () => {
    const { scheduler, soon } = manual();
    const commits = new GroupCommit(db, { scheduler });
    const written = Promise.all([commits.write(insert(1)), commits.write(insert(2))]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(soon).toHaveLength(1);
    expect(count()).toBe(0);
    soon[0]?.run();
    await written;
    expect(count()).toBe(2);
  });

  it('never commits what a scheduler never runs (a crash loses the queue)', async () => {
    const { scheduler } = manual();
    const commits = new GroupCommit(db, { scheduler });
    let settled = false;
    void commits.write(insert(1)).then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    expect(count()).toBe(0);
  });

  it('times a lone writeLater with later(laterMs), cancelled by a flush', async () => {
    const { scheduler, soon, later } = manual();
    const commits = new GroupCommit(db, { scheduler, laterMs: 20 });
    const lazy = commits.writeLater(insert(1));
    expect(later.map((t) => t.ms)).toEqual([20]);
    const eager = commits.write(insert(2));
    soon[0]?.run();
    await Promise.all([lazy, eager]);
    expect(count()).toBe(2);
    expect(later[0]?.cancelled).toBe(true);
  });
});
