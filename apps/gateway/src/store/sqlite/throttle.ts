import type { Owner } from '@strife/coordinator';
import type Database from 'better-sqlite3';
import {
  admit,
  CHECK_FORGOTTEN_MS,
  type LoginThrottleStore,
  type ReserveAnswer,
  type ThrottleBucket,
} from '../../auth/loginThrottle';

interface BucketRow {
  window_start: bigint;
  attempts: bigint;
}

/**
 * Login counters in SQLite. Each call below runs synchronously in one transaction, so a
 * reservation's check and count cannot interleave with another's; checks in flight are kept per
 * instance, as on PostgreSQL, so a restarted gateway forgets the ones its previous run left.
 */
export class SqliteLoginThrottle implements LoginThrottleStore {
  private readonly reserveTx: (
    buckets: readonly ThrottleBucket[],
    now: number,
    windowMs: number,
  ) => ReserveAnswer;
  private readonly settleTx: (
    keys: readonly string[],
    failed: boolean,
    now: number,
    windowMs: number,
  ) => void;
  private readonly pruneTx: (before: number) => number;

  constructor(db: Database.Database, owner: Pick<Owner, 'name' | 'incarnation'>) {
    const { name, incarnation } = owner;
    const bucket = db.prepare<[string], BucketRow>(
      'SELECT window_start, attempts FROM login_buckets WHERE bucket = ?',
    );
    const checking = db.prepare<[string, number, string, string], { n: bigint }>(
      `SELECT COALESCE(SUM(checking), 0) AS n FROM login_checks
       WHERE bucket = ? AND since > ? AND (instance <> ? OR incarnation = ?)`,
    );
    const check = db.prepare<[string, string, string, number, number]>(
      `INSERT INTO login_checks (bucket, instance, incarnation, checking, since)
       VALUES (?, ?, ?, 1, ?)
       ON CONFLICT (bucket, instance) DO UPDATE SET
         checking = CASE WHEN incarnation = excluded.incarnation AND since > ?
                    THEN checking + 1 ELSE 1 END,
         incarnation = excluded.incarnation, since = excluded.since`,
    );
    const checked = db.prepare<[string, string, string]>(
      `UPDATE login_checks SET checking = MAX(checking - 1, 0)
       WHERE bucket = ? AND instance = ? AND incarnation = ?`,
    );
    const fail = db.prepare<[{ bucket: string; now: number; cutoff: number }]>(
      `INSERT INTO login_buckets (bucket, window_start, attempts) VALUES (@bucket, @now, 1)
       ON CONFLICT (bucket) DO UPDATE SET
         window_start = CASE WHEN window_start > @cutoff THEN window_start ELSE @now END,
         attempts = CASE WHEN window_start > @cutoff THEN attempts + 1 ELSE 1 END`,
    );
    const pruneBuckets = db.prepare<[number]>('DELETE FROM login_buckets WHERE window_start < ?');
    const pruneChecks = db.prepare<[number]>('DELETE FROM login_checks WHERE since < ?');

    const reserve = db.transaction(
      (buckets: readonly ThrottleBucket[], now: number, windowMs: number): ReserveAnswer => {
        const forgotten = now - CHECK_FORGOTTEN_MS;
        const answer = admit(
          buckets.map((b) => {
            const row = bucket.get(b.key);
            return {
              bucket: b,
              windowStart: row && Number(row.window_start),
              failures: row ? Number(row.attempts) : 0,
              checking: Number(checking.get(b.key, forgotten, name, incarnation)?.n ?? 0n),
            };
          }),
          now,
          windowMs,
        );
        if (answer.ok) for (const b of buckets) check.run(b.key, name, incarnation, now, forgotten);
        return answer;
      },
    );
    this.reserveTx = (buckets, now, windowMs) => reserve.immediate(buckets, now, windowMs);
    const settle = db.transaction(
      (keys: readonly string[], failed: boolean, now: number, windowMs: number) => {
        for (const key of keys) {
          checked.run(key, name, incarnation);
          if (failed) fail.run({ bucket: key, now, cutoff: now - windowMs });
        }
      },
    );
    this.settleTx = (keys, failed, now, windowMs) => {
      settle.immediate(keys, failed, now, windowMs);
    };
    this.pruneTx = db.transaction((before: number) => {
      pruneChecks.run(before);
      return pruneBuckets.run(before).changes;
    });
  }

  reserve(
    buckets: readonly ThrottleBucket[],
    now: number,
    windowMs: number,
  ): Promise<ReserveAnswer> {
    return Promise.resolve(this.reserveTx(buckets, now, windowMs));
  }

  settle(keys: readonly string[], failed: boolean, now: number, windowMs: number): Promise<void> {
    this.settleTx(keys, failed, now, windowMs);
    return Promise.resolve();
  }

  prune(before: number): Promise<number> {
    return Promise.resolve(this.pruneTx(before));
  }
}
