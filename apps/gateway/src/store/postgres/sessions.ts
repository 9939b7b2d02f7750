import type { Pool } from 'pg';
import type { Session, SessionStore } from '../../auth/sessionStore';
import { rows } from './sql';

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

/** Sessions on PostgreSQL: every check reads the shared row, so a logout anywhere is immediate. */
export class PgSessionStore implements SessionStore {
  constructor(private readonly pool: Pool) {}

  async create(tokenHash: string, username: string, now: number, expiresAt: number): Promise<void> {
    await rows(
      this.pool,
      `INSERT INTO sessions (token_hash, username, created_at, last_seen_at, expires_at)
       VALUES ($1, $2, $3, $3, $4)`,
      [tokenHash, username, now, expiresAt],
    );
  }

  async find(tokenHash: string): Promise<Session | undefined> {
    const [row] = await rows<Row>(
      this.pool,
      `SELECT s.username, s.created_at, s.last_seen_at, s.expires_at, s.revoked_at,
              u.bank, u.account_no, u.state
       FROM sessions s LEFT JOIN users u ON u.username = s.username
       WHERE s.token_hash = $1`,
      [tokenHash],
    );
    return (
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
      }
    );
  }

  async touch(tokenHash: string, now: number): Promise<void> {
    await rows(
      this.pool,
      'UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2 AND last_seen_at < $1',
      [now, tokenHash],
    );
  }

  async revoke(tokenHash: string, now: number): Promise<void> {
    await rows(
      this.pool,
      'UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL',
      [now, tokenHash],
    );
  }

  async prune(before: number): Promise<number> {
    return (
      await rows(this.pool, 'DELETE FROM sessions WHERE expires_at < $1 RETURNING 1', [before])
    ).length;
  }
}
