import { createHash, randomBytes } from 'node:crypto';
import {
  assertDeposit,
  InvalidArgument,
  InvalidCredentials,
  quote,
  Unauthenticated,
  UsernameTaken,
} from '@strife/domain';
import {
  DEFAULT_THROTTLE,
  type LoginThrottleStore,
  reserveAttempt,
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
  readonly throttle: LoginThrottleStore;
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
  /** Default `DEFAULT_THROTTLE`. */
  readonly throttlePolicy?: ThrottlePolicy;
  readonly now?: () => number;
}

/** What a username may be; a name outside it can never exist, so it is refused unrecorded. */
export const USERNAME = /^[a-z][a-z0-9_.-]{2,31}$/;
const PASSWORD_LENGTH = { min: 8, max: 128 } as const;
/**
 * A session's last-seen time is written at most this often (so a busy session does not cost a
 * write per call), and a session expires only once unused for `sessionIdleMs` plus this much:
 * then one in use never expires early. A tenth of the idle time, at most a minute.
 */
function touchEveryMs(sessionIdleMs: number): number {
  return Math.min(60_000, Math.max(1, Math.floor(sessionIdleMs / 10)));
}

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
   * Reserves the username, opens the account at the bank, then activates the user. The same
   * request again (same password, bank and deposit) resumes an interrupted registration or,
   * once it completed, answers with the same account; a different one is UsernameTaken.
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
        `${quote(input.bank)} is not a bank here (${[...this.options.banks].join(', ')})`,
      );
    }
    assertDeposit(input.initialDeposit);
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
    // The same request again (a retry after a lost answer, or of one a crash interrupted) gets
    // the same account; a different one finds the name taken.
    if (!reserved) {
      const same =
        user.bank === input.bank &&
        user.initialDeposit === input.initialDeposit &&
        user.openRequestId !== 'seed' &&
        (await verifyPassword(input.password, user.passwordHash));
      if (!same) throw new UsernameTaken(input.username);
    }
    return this.finishRegistration(user);
  }

  /** Finishes registrations a crash left PENDING; returns how many. */
  async resumePending(): Promise<number> {
    const pending = await this.options.users.pending();
    for (const user of pending) await this.finishRegistration(user);
    return pending.length;
  }

  /**
   * Checks a password, throttled: the attempt is counted (per username and `address`, per
   * address, per username) before the password is checked, so a burst of guesses gets at most
   * the limit checked; a wrong password stays counted as a failure, a right one does not.
   * @throws InvalidCredentials (unknown user, wrong password, or a name or password that can
   *   never be valid, which is refused without counting or hashing); TooManyAttempts.
   */
  async login(
    username: string,
    password: string,
    address: string,
  ): Promise<{ token: string; user: User; expiresAt: Date }> {
    if (!USERNAME.test(username) || password.length > PASSWORD_LENGTH.max) {
      throw new InvalidCredentials();
    }
    const now = this.now();
    const policy = this.options.throttlePolicy ?? DEFAULT_THROTTLE;
    const { throttle } = this.options;
    const attempt = await reserveAttempt(throttle, username, address, now, policy);
    let active: User | undefined;
    let ok: boolean;
    try {
      const user = await this.options.users.find(username);
      active = user?.state === 'ACTIVE' ? user : undefined;
      ok = await verifyPassword(password, active?.passwordHash ?? (await DECOY_HASH));
    } catch (err) {
      // Not an answer about the password: the check no longer counts, as after a crash.
      await throttle.settle(attempt, false, this.now(), policy.windowMs).catch(() => undefined);
      throw err;
    }
    await throttle.settle(attempt, !active || !ok, this.now(), policy.windowMs);
    if (!active || !ok) throw new InvalidCredentials();
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
    const touchEvery = touchEveryMs(this.options.sessionIdleMs);
    const idle = now - session.lastSeenAt;
    if (now >= session.expiresAt || idle >= this.options.sessionIdleMs + touchEvery) {
      throw new Unauthenticated('session expired: log in again');
    }
    const { account } = session;
    if (account === undefined) throw new Unauthenticated('session user no longer exists');
    if (idle >= touchEvery) await this.options.sessions.touch(hash, now);
    return {
      username: session.username,
      bank: account.bank,
      accountNo: account.accountNo,
      account: `${account.bank}:${account.accountNo}`,
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
  if (password.length < PASSWORD_LENGTH.min || password.length > PASSWORD_LENGTH.max) {
    throw new InvalidArgument(
      'password',
      `must be ${PASSWORD_LENGTH.min} to ${PASSWORD_LENGTH.max} characters`,
    );
  }
}
