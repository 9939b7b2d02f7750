import type Database from 'better-sqlite3';

export interface Session {
  readonly username: string;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly expiresAt: number;
  readonly revoked: boolean;
}

/** Sessions by the SHA-256 of their token (the token itself is never stored). */
export interface SessionStore {
  create(tokenHash: string, username: string, now: number, expiresAt: number): Promise<void>;
  find(tokenHash: string): Promise<Session | undefined>;
  touch(tokenHash: string, now: number): Promise<void>;
  revoke(tokenHash: string, now: number): Promise<void>;
}

interface Row {
  username: string;
  created_at: bigint;
  last_seen_at: bigint;
  expires_at: bigint;
  revoked_at: bigint | null;
}

export class SqliteSessionStore implements SessionStore {
  private readonly createStmt;
  private readonly findStmt;
  private readonly touchStmt;
  private readonly revokeStmt;

  constructor(db: Database.Database) {
    this.createStmt = db.prepare<[string, string, number, number, number]>(
      'INSERT INTO sessions (token_hash, username, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.findStmt = db.prepare<[string], Row>('SELECT * FROM sessions WHERE token_hash = ?');
    this.touchStmt = db.prepare<[number, string]>(
      'UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?',
    );
    this.revokeStmt = db.prepare<[number, string]>(
      'UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL',
    );
  }

  create(tokenHash: string, username: string, now: number, expiresAt: number): Promise<void> {
    this.createStmt.run(tokenHash, username, now, now, expiresAt);
    return Promise.resolve();
  }

  find(tokenHash: string): Promise<Session | undefined> {
    const row = this.findStmt.get(tokenHash);
    return Promise.resolve(
      row && {
        username: row.username,
        createdAt: Number(row.created_at),
        lastSeenAt: Number(row.last_seen_at),
        expiresAt: Number(row.expires_at),
        revoked: row.revoked_at !== null,
      },
    );
  }

  touch(tokenHash: string, now: number): Promise<void> {
    this.touchStmt.run(now, tokenHash);
    return Promise.resolve();
  }

  revoke(tokenHash: string, now: number): Promise<void> {
    this.revokeStmt.run(now, tokenHash);
    return Promise.resolve();
  }
}
