import type { Pool } from 'pg';
import type { LoginThrottleStore, ThrottleBucket } from '../../auth/loginThrottle';
import { rows, transaction } from './sql';

type Answer = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number };

/**
 * Login counters on PostgreSQL. A reservation locks its bucket rows (in key order, so two
 * reservations cannot deadlock) for the length of one short transaction: concurrent attempts on
 * any instances queue on the row lock and each sees the count the previous one left, so the
 * check and the count are one atomic step.
 */
export class PgLoginThrottle implements LoginThrottleStore {
  constructor(private readonly pool: Pool) {}

  reserve(buckets: readonly ThrottleBucket[], now: number, windowMs: number): Promise<Answer> {
    const sorted = [...buckets].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const keys = sorted.map((b) => b.key);
    return transaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO login_buckets (bucket, window_start, attempts)
         SELECT k, $2, 0 FROM unnest($1::text[]) AS k ON CONFLICT DO NOTHING`,
        [keys, now],
      );
      const { rows: locked } = await client.query<{
        bucket: string;
        window_start: bigint;
        attempts: number;
      }>(
        'SELECT bucket, window_start, attempts FROM login_buckets WHERE bucket = ANY($1::text[]) ORDER BY bucket FOR UPDATE',
        [keys],
      );
      const byKey = new Map(locked.map((r) => [r.bucket, r]));
      const counts = sorted.map((bucket) => {
        const row = byKey.get(bucket.key);
        const live = row !== undefined && Number(row.window_start) > now - windowMs;
        return {
          bucket,
          start: live ? Number(row.window_start) : now,
          attempts: live ? row.attempts : 0,
        };
      });
      const full = counts.filter((c) => c.attempts >= c.bucket.limit);
      if (full.length > 0) {
        const until = Math.max(...full.map((c) => c.start + windowMs));
        return { ok: false, retryAfterMs: Math.max(1, until - now) } as const;
      }
      await client.query(
        `UPDATE login_buckets b SET window_start = i.start, attempts = i.attempts
         FROM unnest($1::text[], $2::int8[], $3::int4[]) AS i(bucket, start, attempts)
         WHERE b.bucket = i.bucket`,
        [keys, counts.map((c) => c.start), counts.map((c) => c.attempts + 1)],
      );
      return { ok: true } as const;
    });
  }

  async release(keys: readonly string[], now: number, windowMs: number): Promise<void> {
    await rows(
      this.pool,
      `UPDATE login_buckets SET attempts = GREATEST(attempts - 1, 0)
       WHERE bucket = ANY($1::text[]) AND window_start > $2`,
      [keys, now - windowMs],
    );
  }

  async prune(before: number): Promise<number> {
    return (
      await rows(this.pool, 'DELETE FROM login_buckets WHERE window_start < $1 RETURNING 1', [
        before,
      ])
    ).length;
  }
}
