import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SchemaTooNew } from '@strife/sqlite';
import { PaymentQueue } from '../src/queue';

const payment = { username: 'alice', key: 'k1', to: 'SBI:2001', amount: 1050n };

describe('the offline queue', () => {
  let dir: string;
  let queue: PaymentQueue;
  const file = () => join(dir, 'queue.db');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'strife-queue-'));
    queue = PaymentQueue.open(file());
  });

  afterEach(() => {
    queue.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a queued payment across reopening, with its schedule', () => {
    expect(queue.enqueue(payment, 1000, 6000).state).toBe('added');
    queue.close();
    queue = PaymentQueue.open(file());
    expect(queue.list()).toEqual([
      {
        ...payment,
        queuedAt: 1000,
        attempts: 0,
        nextAttemptAt: 6000,
        lastError: undefined,
      },
    ]);
  });

  it('queues a key once per user, and spots a different payment under the same key', () => {
    queue.enqueue(payment, 1000, 6000);
    expect(queue.enqueue(payment, 2000, 7000).state).toBe('present');
    expect(queue.enqueue({ ...payment, amount: 1n }, 2000, 7000).state).toBe('mismatch');
    expect(queue.enqueue({ ...payment, to: 'SBI:2002' }, 2000, 7000).state).toBe('mismatch');
    expect(queue.enqueue({ ...payment, username: 'bob' }, 2000, 7000).state).toBe('added');
    expect(queue.list()).toHaveLength(2);
  });

  it('counts failed attempts and schedules the next by the backoff', () => {
    queue.enqueue(payment, 1000, 6000);
    const delays: number[] = [];
    const after = (attempts: number) => {
      delays.push(attempts);
      return attempts * 100;
    };
    queue.recordFailure('alice', 'k1', 'down', 2000, after);
    const second = queue.recordFailure('alice', 'k1', 'still down', 3000, after);
    expect(delays).toEqual([1, 2]);
    expect(second).toMatchObject({ attempts: 2, nextAttemptAt: 3200, lastError: 'still down' });
    expect(queue.due(3199)).toEqual([]);
    expect(queue.due(3200).map((p) => p.key)).toEqual(['k1']);
  });

  it('caps long waits and wakes a user whose session came back', () => {
    queue.enqueue(payment, 1000, 60_000);
    queue.enqueue({ ...payment, key: 'k2' }, 1000, 2000);
    queue.capWaits(5000);
    expect(queue.list().map((p) => p.nextAttemptAt)).toEqual([5000, 2000]);
    queue.wake('alice', 1500);
    expect(queue.due(1500).map((p) => p.key)).toEqual(['k1', 'k2']);
  });

  it('moves a finished payment to its outcome, atomically and once', () => {
    queue.enqueue(payment, 1000, 6000);
    const outcome = {
      ...payment,
      status: 'COMMITTED' as const,
      txid: 42n,
      reason: '',
      errorCode: undefined,
      queuedAt: 1000,
      finishedAt: 3000,
    };
    queue.complete(outcome);
    expect(queue.list()).toEqual([]);
    expect(queue.outcome('alice', 'k1')).toEqual(outcome);
    expect(queue.outcome('bob', 'k1')).toBeUndefined();
    expect(queue.recordFailure('alice', 'k1', 'late', 4000, () => 1)).toBeUndefined();
  });
});

describe('a queue.db written before schema versions', () => {
  let dir: string;
  const file = () => join(dir, 'queue.db');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'strife-queue-old-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** The schema every strife before versioning created, exactly as it created it. */
  const PREVIOUS_SCHEMA = `
    CREATE TABLE IF NOT EXISTS queued (
      username TEXT NOT NULL, key TEXT NOT NULL, to_account TEXT NOT NULL, amount TEXT NOT NULL,
      queued_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL, last_error TEXT, PRIMARY KEY (username, key)
    ) STRICT;
    CREATE INDEX IF NOT EXISTS queued_due ON queued (next_attempt_at);
    CREATE TABLE IF NOT EXISTS outcomes (
      username TEXT NOT NULL, key TEXT NOT NULL, to_account TEXT NOT NULL, amount TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('COMMITTED', 'ABORTED')), txid TEXT,
      reason TEXT NOT NULL, error_code TEXT, queued_at INTEGER NOT NULL,
      finished_at INTEGER NOT NULL, PRIMARY KEY (username, key)
    ) STRICT;
  `;

  function writePrevious(): void {
    const db = new Database(file());
    db.pragma('journal_mode = WAL');
    db.exec(PREVIOUS_SCHEMA);
    db.exec(`
      INSERT INTO queued (username, key, to_account, amount, queued_at, attempts, next_attempt_at, last_error)
        VALUES ('alice', 'k-old', 'SBI:2001', '1050', 1000, 3, 9000, 'gateway down');
      INSERT INTO outcomes (username, key, to_account, amount, status, txid, reason, error_code,
                            queued_at, finished_at)
        VALUES ('alice', 'k-done', 'SBI:2002', '7', 'COMMITTED', '42', '', NULL, 500, 800);
    `);
    db.close();
    chmodSync(file(), 0o644);
  }

  it('upgrades in place, keeping queued payments and outcomes, and becomes private', () => {
    writePrevious();
    const queue = PaymentQueue.open(file());
    try {
      expect(queue.list()).toEqual([
        {
          username: 'alice',
          key: 'k-old',
          to: 'SBI:2001',
          amount: 1050n,
          queuedAt: 1000,
          attempts: 3,
          nextAttemptAt: 9000,
          lastError: 'gateway down',
        },
      ]);
      expect(queue.outcome('alice', 'k-done')).toMatchObject({ status: 'COMMITTED', txid: 42n });
      expect(queue.enqueue({ ...payment, key: 'k-new' }, 2000, 7000).state).toBe('added');
    } finally {
      queue.close();
    }
    const db = new Database(file(), { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();
    expect(statSync(file()).mode & 0o777).toBe(0o600);
  });

  it('is refused when a newer strife wrote it, and left as it is', () => {
    writePrevious();
    const db = new Database(file());
    db.pragma('user_version = 9');
    db.close();
    expect(() => PaymentQueue.open(file())).toThrow(SchemaTooNew);
    const after = new Database(file(), { readonly: true });
    expect(after.prepare('SELECT COUNT(*) AS n FROM queued').get()).toEqual({ n: 1 });
    after.close();
  });
});
