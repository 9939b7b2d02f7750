import type Database from 'better-sqlite3';

/** Failed logins per username, kept durably so a restart does not reset the count. */
export interface LoginFailures {
  record(username: string, at: number): Promise<void>;
  /** Times of failures for `username` after `since`, oldest first. */
  since(username: string, since: number): Promise<number[]>;
  /** Forgets failures older than `before`. */
  prune(before: number): Promise<void>;
}

export class SqliteLoginFailures implements LoginFailures {
  private readonly recordStmt;
  private readonly sinceStmt;
  private readonly pruneStmt;

  constructor(db: Database.Database) {
    this.recordStmt = db.prepare<[string, number]>(
      'INSERT INTO login_failures (username, at) VALUES (?, ?)',
    );
    this.sinceStmt = db.prepare<[string, number], { at: bigint }>(
      'SELECT at FROM login_failures WHERE username = ? AND at > ? ORDER BY at',
    );
    this.pruneStmt = db.prepare<[number]>('DELETE FROM login_failures WHERE at < ?');
  }

  record(username: string, at: number): Promise<void> {
    this.recordStmt.run(username, at);
    return Promise.resolve();
  }

  since(username: string, since: number): Promise<number[]> {
    return Promise.resolve(this.sinceStmt.all(username, since).map((r) => Number(r.at)));
  }

  prune(before: number): Promise<void> {
    this.pruneStmt.run(before);
    return Promise.resolve();
  }
}

export interface ThrottlePolicy {
  /** Failures allowed inside the window. Default 5. */
  readonly maxFailures: number;
  /** Default 15 minutes. */
  readonly windowMs: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = { maxFailures: 5, windowMs: 15 * 60_000 };

/**
 * How long `username` must wait before trying again: 0 while under the limit; otherwise until the
 * oldest failure that counts toward the limit leaves the window.
 */
export async function lockedForMs(
  failures: LoginFailures,
  username: string,
  now: number,
  policy: ThrottlePolicy = DEFAULT_THROTTLE,
): Promise<number> {
  const recent = await failures.since(username, now - policy.windowMs);
  if (recent.length < policy.maxFailures) return 0;
  const oldestCounted = recent[recent.length - policy.maxFailures] ?? now;
  return Math.max(1, oldestCounted + policy.windowMs - now);
}
