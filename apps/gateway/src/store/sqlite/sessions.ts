import type Database from 'better-sqlite3';
import type { Session, SessionStore } from '../../auth/sessionStore';

interface Row {
  username: string;
  created_at: bigint;
  last_seen_at: bigint;
  expires_at: bigint;
  revoked_at: bigint | null;
  bank: string | null;
  account_no: string | null;
  state: 'PENDING' | 'ACTIVE' | null;
}

export class SqliteSessionStore implements SessionStore {
  private readonly s;

  constructor(db: Database.Database) {
    this.s = {
      create: db.prepare<[string, string, number, number, number]>(
        'INSERT INTO sessions (token_hash, username, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)',
      ),
      find: db.prepare<[string], Row>(
        `SELECT s.username, s.created_at, s.last_seen_at, s.expires_at, s.revoked_at,
              u.bank, u.account_no, u.state
       FROM sessions s LEFT JOIN users u ON u.username = s.username
       WHERE s.token_hash = ?`,
      ),
      touch: db.prepare<{ now: number; tokenHash: string }>(
        'UPDATE sessions SET last_seen_at = @now WHERE token_hash = @tokenHash AND last_seen_at < @now',
      ),
      revoke: db.prepare<[number, string]>(
        'UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL',
      ),
      prune: db.prepare<[number]>('DELETE FROM sessions WHERE expires_at < ?'),
    };
  }

  create(tokenHash: string, username: string, now: number, expiresAt: number): Promise<void> {
    this.s.create.run(tokenHash, username, now, now, expiresAt);
    return Promise.resolve();
  }

  find(tokenHash: string): Promise<Session | undefined> {
    const row = this.s.find.get(tokenHash);
    return Promise.resolve(
      row && {
        username: row.username,
        createdAt: Number(row.created_at),
        lastSeenAt: Number(row.last_seen_at),
        expiresAt: Number(row.expires_at),
        revoked: row.revoked_at !== null,
        account:
          row.state === 'ACTIVE' && row.bank !== null && row.account_no !== null
            ? { bank: row.bank, accountNo: row.account_no }
            : undefined,
      },
    );
  }

  touch(tokenHash: string, now: number): Promise<void> {
    this.s.touch.run({ now, tokenHash });
    return Promise.resolve();
  }

  revoke(tokenHash: string, now: number): Promise<void> {
    this.s.revoke.run(now, tokenHash);
    return Promise.resolve();
  }

  prune(before: number): Promise<number> {
    return Promise.resolve(this.s.prune.run(before).changes);
  }
}
