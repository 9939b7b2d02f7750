import type { Owner } from '@strife/coordinator';
import type { Pool } from 'pg';
import {
  admit,
  CHECK_FORGOTTEN_MS,
  type LoginThrottleStore,
  type ReserveAnswer,
  type ThrottleBucket,
} from '../../auth/loginThrottle';
import { rows, transaction } from './sql';

const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Creates the bucket rows of `keys` that do not exist yet, empty, so that they can be locked. */
const ENSURE_BUCKETS = `
  INSERT INTO login_buckets (bucket, window_start, attempts)
  SELECT k, 0, 0 FROM unnest($1::text[]) AS k ON CONFLICT DO NOTHING`;

/**
 * Login counters on PostgreSQL. A reservation or a failure locks its bucket rows (in key order,
 * so two of them cannot deadlock) for one short transaction: concurrent attempts on any
 * instances queue on the row lock and each sees the counts the previous one left, so the check
 * and the count are one atomic step. Checks in flight are counted per instance and incarnation.
 */
export class PgLoginThrottle implements LoginThrottleStore {
  constructor(
    private readonly pool: Pool,
    private readonly owner: Pick<Owner, 'name' | 'incarnation'>,
  ) {}

  reserve(
    buckets: readonly ThrottleBucket[],
    now: number,
    windowMs: number,
  ): Promise<ReserveAnswer> {
    const sorted = [...buckets].sort((a, b) => byKey(a.key, b.key));
    const keys = sorted.map((b) => b.key);
    const { name, incarnation } = this.owner;
    const forgotten = now - CHECK_FORGOTTEN_MS;
    return transaction(this.pool, async (client) => {
      await client.query(ENSURE_BUCKETS, [keys]);
      const { rows: found } = await client.query<{
        bucket: string;
        window_start: bigint;
        attempts: number;
      }>(
        `SELECT bucket, window_start, attempts FROM login_buckets
         WHERE bucket = ANY($1::text[]) ORDER BY bucket FOR UPDATE`,
        [keys],
      );
      // A statement of its own, so that its snapshot is taken after the locks are held: it sees
      // the checks of every reservation that held them before.
      const { rows: inFlight } = await client.query<{ bucket: string; checking: bigint }>(
        `SELECT bucket, SUM(checking) AS checking FROM login_checks
         WHERE bucket = ANY($1::text[]) AND since > $2 AND (instance <> $3 OR incarnation = $4)
         GROUP BY bucket`,
        [keys, forgotten, name, incarnation],
      );
      const checkingOf = new Map(inFlight.map((r) => [r.bucket, Number(r.checking)]));
      const rowOf = new Map(found.map((r) => [r.bucket, r]));
      const answer = admit(
        sorted.map((bucket) => {
          const row = rowOf.get(bucket.key);
          return {
            bucket,
            windowStart: row && row.attempts > 0 ? Number(row.window_start) : undefined,
            failures: row?.attempts ?? 0,
            checking: checkingOf.get(bucket.key) ?? 0,
          };
        }),
        now,
        windowMs,
      );
      if (!answer.ok) return answer;
      await client.query(
        `INSERT INTO login_checks (bucket, instance, incarnation, checking, since)
         SELECT k, $2, $3, 1, $4 FROM unnest($1::text[]) AS k
         ON CONFLICT (bucket, instance) DO UPDATE SET
           checking = CASE WHEN login_checks.incarnation = excluded.incarnation
                            AND login_checks.since > $5
                      THEN login_checks.checking + 1 ELSE 1 END,
           incarnation = excluded.incarnation, since = excluded.since`,
        [keys, name, incarnation, now, forgotten],
      );
      return answer;
    });
  }

  async settle(
    keys: readonly string[],
    failed: boolean,
    now: number,
    windowMs: number,
  ): Promise<void> {
    const sorted = [...keys].sort(byKey);
    const { name, incarnation } = this.owner;
    const checked = `UPDATE login_checks SET checking = GREATEST(checking - 1, 0)
       WHERE bucket = ANY($1::text[]) AND instance = $2 AND incarnation = $3`;
    if (!failed) {
      await rows(this.pool, checked, [sorted, name, incarnation]);
      return;
    }
    await transaction(this.pool, async (client) => {
      await client.query(ENSURE_BUCKETS, [sorted]);
      await client.query(
        'SELECT 1 FROM login_buckets WHERE bucket = ANY($1::text[]) ORDER BY bucket FOR UPDATE',
        [sorted],
      );
      await client.query(
        `UPDATE login_buckets SET
           window_start = CASE WHEN attempts > 0 AND window_start > $3 THEN window_start ELSE $2 END,
           attempts = CASE WHEN attempts > 0 AND window_start > $3 THEN attempts + 1 ELSE 1 END
         WHERE bucket = ANY($1::text[])`,
        [sorted, now, now - windowMs],
      );
      await client.query(checked, [sorted, name, incarnation]);
    });
  }

  async prune(before: number): Promise<number> {
    await rows(this.pool, 'DELETE FROM login_checks WHERE since < $1', [before]);
    return (
      await rows(this.pool, 'DELETE FROM login_buckets WHERE window_start < $1 RETURNING 1', [
        before,
      ])
    ).length;
  }
}
