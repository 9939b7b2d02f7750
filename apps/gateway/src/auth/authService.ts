import { createHash, randomBytes } from 'node:crypto';
import {
  INT64_MAX,
  InvalidArgument,
  InvalidCredentials,
  TooManyAttempts,
  Unauthenticated,
  UsernameTaken,
} from '@strife/domain';
import {
  DEFAULT_THROTTLE,
  lockedForMs,
  type LoginFailures,
  type ThrottlePolicy,
} from './loginThrottle';
import { DECOY_HASH, hashPassword, verifyPassword } from './passwords';
import type { SessionStore } from './sessionStore';
import type { User, UserStore } from './userStore';

/** The caller of a protected RPC, as the auth middleware found it. */
export interface AuthUser {
  readonly username: string;
  readonly bank: string;
  readonly accountNo: string;
  /** `BANK:ACCOUNT_NO`. */
  readonly account: string;
  /** SHA-256 of the session token, for logout. */
  readonly tokenHash: string;
}

export interface AuthServiceOptions {
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly failures: LoginFailures;
  /** Opens an account at `bank` (idempotent on `requestId`); resolves to its number. */
  readonly openAccount: (
    bank: string,
    requestId: string,
    holder: string,
    deposit: bigint,
  ) => Promise<string>;
  readonly banks: ReadonlySet<string>;
  readonly sessionIdleMs: number;
  readonly sessionTtlMs: number;
  /** Default 5 failures in 15 minutes. */
  readonly throttle?: ThrottlePolicy;
  readonly now?: () => number;
}

const USERNAME = /^[a-z][a-z0-9_.-]{2,31}$/;
/** Touch a session's last-seen time at most this often, so reads do not each cost an fsync. */
const TOUCH_EVERY_MS = 60_000;

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Registration, login with throttling, logout, and session checks. */
export class AuthService {
  private readonly now: () => number;

  constructor(private readonly options: AuthServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Reserves the username, opens the account at the bank, then activates the user. A retry of a
   * registration interrupted after the reservation (same password, bank and deposit) resumes it.
   */
  async register(input: {
    username: string;
    password: string;
    bank: string;
    initialDeposit: bigint;
  }): Promise<User> {
    validateCredentials(input.username, input.password);
    if (!this.options.banks.has(input.bank)) {
      throw new InvalidArgument(
        'bank',
        `"${input.bank}" is not a bank here (${[...this.options.banks].join(', ')})`,
      );
    }
    if (input.initialDeposit < 0n || input.initialDeposit > INT64_MAX) {
      throw new InvalidArgument('initial_deposit', 'must be between 0 and int64 max');
    }
    const passwordHash = await hashPassword(input.password);
    const reserved = await this.options.users.reserve({
      username: input.username,
      passwordHash,
      bank: input.bank,
      openRequestId: `register:${input.username}:${randomBytes(8).toString('hex')}`,
      initialDeposit: input.initialDeposit,
    });
    const user = await this.options.users.find(input.username);
    if (!user) throw new UsernameTaken(input.username);
    if (!reserved) {
      const resumable =
        user.state === 'PENDING' &&
        user.bank === input.bank &&
        user.initialDeposit === input.initialDeposit &&
        (await verifyPassword(input.password, user.passwordHash));
      if (!resumable) throw new UsernameTaken(input.username);
    }
    return this.finishRegistration(user);
  }

  /** Finishes registrations a crash left PENDING; returns how many. */
  async resumePending(): Promise<number> {
    const pending = await this.options.users.pending();
    for (const user of pending) await this.finishRegistration(user);
    return pending.length;
  }

  async login(
    username: string,
    password: string,
  ): Promise<{ token: string; user: User; expiresAt: Date }> {
    const now = this.now();
    const wait = await lockedForMs(
      this.options.failures,
      username,
      now,
      this.options.throttle ?? DEFAULT_THROTTLE,
    );
    if (wait > 0) throw new TooManyAttempts(wait);
    const user = await this.options.users.find(username);
    const active = user?.state === 'ACTIVE' ? user : undefined;
    const ok = await verifyPassword(password, active?.passwordHash ?? (await DECOY_HASH));
    if (!active || !ok) {
      await this.options.failures.record(username, now);
      throw new InvalidCredentials();
    }
    const token = randomBytes(32).toString('base64url');
    const expiresAt = now + this.options.sessionTtlMs;
    await this.options.sessions.create(tokenHash(token), active.username, now, expiresAt);
    return { token, user: active, expiresAt: new Date(expiresAt) };
  }

  logout(user: AuthUser): Promise<void> {
    return this.options.sessions.revoke(user.tokenHash, this.now());
  }

  /** The user behind `token`. @throws Unauthenticated for a missing, unknown, expired or revoked one. */
  async authenticate(token: string | undefined): Promise<AuthUser> {
    if (!token) throw new Unauthenticated('missing session token: log in first');
    const hash = tokenHash(token);
    const session = await this.options.sessions.find(hash);
    const now = this.now();
    if (!session) throw new Unauthenticated('unknown session token: log in again');
    if (session.revoked) throw new Unauthenticated('session was logged out: log in again');
    if (now >= session.expiresAt || now - session.lastSeenAt >= this.options.sessionIdleMs) {
      throw new Unauthenticated('session expired: log in again');
    }
    const user = await this.options.users.find(session.username);
    if (user?.state !== 'ACTIVE' || user.accountNo === undefined) {
      throw new Unauthenticated('session user no longer exists');
    }
    if (now - session.lastSeenAt >= TOUCH_EVERY_MS) await this.options.sessions.touch(hash, now);
    return {
      username: user.username,
      bank: user.bank,
      accountNo: user.accountNo,
      account: `${user.bank}:${user.accountNo}`,
      tokenHash: hash,
    };
  }

  private async finishRegistration(user: User): Promise<User> {
    if (user.state === 'ACTIVE') return user;
    const accountNo = await this.options.openAccount(
      user.bank,
      user.openRequestId,
      user.username,
      user.initialDeposit,
    );
    await this.options.users.activate(user.username, accountNo);
    return { ...user, accountNo, state: 'ACTIVE' };
  }
}

function validateCredentials(username: string, password: string): void {
  if (!USERNAME.test(username)) {
    throw new InvalidArgument(
      'username',
      'must be 3 to 32 of a-z, 0-9, _ . - starting with a letter',
    );
  }
  if (password.length < 8 || password.length > 128) {
    throw new InvalidArgument('password', 'must be 8 to 128 characters');
  }
}
