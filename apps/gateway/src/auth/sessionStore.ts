export interface Session {
  readonly username: string;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly expiresAt: number;
  readonly revoked: boolean;
  /** The owner's account, read with the session: undefined unless the owner is ACTIVE. */
  readonly account: { readonly bank: string; readonly accountNo: string } | undefined;
}

/**
 * Sessions by the SHA-256 of their token (the token itself is never stored). Every lookup reads
 * the database, so a logout on one gateway instance revokes the token on all of them at once.
 */
export interface SessionStore {
  create(tokenHash: string, username: string, now: number, expiresAt: number): Promise<void>;
  /** The session and its owner's account, in one read. */
  find(tokenHash: string): Promise<Session | undefined>;
  touch(tokenHash: string, now: number): Promise<void>;
  revoke(tokenHash: string, now: number): Promise<void>;
  /** Forgets sessions that expired before `before`; returns how many. */
  prune(before: number): Promise<number>;
}
