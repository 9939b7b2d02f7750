import type Database from 'better-sqlite3';
import type { LoginThrottleStore, ThrottleBucket } from '../../auth/loginThrottle';

interface Row {
  window_start: bigint;
  attempts: bigint;
}

type Answer = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number };

/**
 * Login counters in SQLite. One process uses the file, and each call below runs synchronously in
 * one transaction, so a reservation's check and count cannot interleave with another's.
 */
export class SqliteLoginThrottle implements LoginThrottleStore {
  private readonly reserveTx: (
    buckets: readonly ThrottleBucket[],
    now: number,
    windowMs: number,
  ) => Answer;
  private readonly releaseTx: (keys: readonly string[], now: number, windowMs: number) => void;
  private readonly pruneStmt;

  constructor(db: Database.Database) {
    const get = db.prepare<[string], Row>(
      'SELECT window_start, attempts FROM login_buckets WHERE bucket = ?',
    );
    const put = db.prepare<[string, number, number]>(
      `INSERT INTO login_buckets (bucket, window_start, attempts) VALUES (?, ?, ?)
       ON CONFLICT (bucket) DO UPDATE SET window_start = excluded.window_start,
         attempts = excluded.attempts`,
    );
    const takeBack = db.prepare<[string, number]>(
      `UPDATE login_buckets SET attempts = MAX(attempts - 1, 0)
       WHERE bucket = ? AND window_start > ?`,
    );
    this.pruneStmt = db.prepare<[number]>('DELETE FROM login_buckets WHERE window_start < ?');
    const reserve = db.transaction(
      (buckets: readonly ThrottleBucket[], now: number, windowMs: number): Answer => {
        const counts = buckets.map((bucket) => {
          const row = get.get(bucket.key);
          const live = row !== undefined && Number(row.window_start) > now - windowMs;
          const start = live ? Number(row.window_start) : now;
          return { bucket, start, attempts: live ? Number(row.attempts) : 0 };
        });
        const full = counts.filter((c) => c.attempts >= c.bucket.limit);
        if (full.length > 0) {
          const until = Math.max(...full.map((c) => c.start + windowMs));
          return { ok: false, retryAfterMs: Math.max(1, until - now) };
        }
        for (const c of counts) put.run(c.bucket.key, c.start, c.attempts + 1);
        return { ok: true };
      },
    );
    this.reserveTx = (buckets, now, windowMs) => reserve.immediate(buckets, now, windowMs);
    const release = db.transaction((keys: readonly string[], now: number, windowMs: number) => {
      for (const key of keys) takeBack.run(key, now - windowMs);
    });
    this.releaseTx = (keys, now, windowMs) => {
      release.immediate(keys, now, windowMs);
    };
  }

  reserve(buckets: readonly ThrottleBucket[], now: number, windowMs: number): Promise<Answer> {
    return Promise.resolve(this.reserveTx(buckets, now, windowMs));
  }

  release(keys: readonly string[], now: number, windowMs: number): Promise<void> {
    this.releaseTx(keys, now, windowMs);
    return Promise.resolve();
  }

  prune(before: number): Promise<number> {
    return Promise.resolve(this.pruneStmt.run(before).changes);
  }
}
