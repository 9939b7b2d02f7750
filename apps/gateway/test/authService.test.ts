import {
  InvalidCredentials,
  TooManyAttempts,
  Unauthenticated,
  UsernameTaken,
} from '@strife/domain';
import { AuthService } from '../src/auth/authService';
import { DEFAULT_THROTTLE } from '../src/auth/loginThrottle';
import { openSqliteStore } from '../src/store/sqlite/openSqliteStore';
import { describe5s } from './storeBackends';

const MINUTE = 60_000;
const HERE = '10.0.0.1';

/** An AuthService on an in-memory store, a fake clock and a fake bank. */
async function setup(options: { sessionIdleMs?: number; perAddress?: number } = {}) {
  const store = await openSqliteStore(':memory:', {
    owner: { name: 'gateway', incarnation: 'test', leaseMs: 3000 },
    describe: describe5s,
  });
  const clock = { now: 1_700_000_000_000 };
  const opened: string[] = [];
  const bankUp = { value: true };
  /** Password checks get as far as reading the user: counting the reads counts the checks. */
  const checks = { count: 0 };
  /** While set, reading a user fails as an unreachable database would. */
  const usersDown = { value: false };
  const users = {
    ...store.users,
    reserve: store.users.reserve.bind(store.users),
    activate: store.users.activate.bind(store.users),
    pending: store.users.pending.bind(store.users),
    isEmpty: store.users.isEmpty.bind(store.users),
    importIfEmpty: store.users.importIfEmpty.bind(store.users),
    find: (username: string) => {
      checks.count += 1;
      if (usersDown.value) return Promise.reject(new Error('database unreachable'));
      return store.users.find(username);
    },
  };
  const auth = new AuthService({
    users,
    sessions: store.sessions,
    throttle: store.throttle,
    banks: new Set(['SBI']),
    sessionIdleMs: options.sessionIdleMs ?? 30 * MINUTE,
    throttlePolicy: { ...DEFAULT_THROTTLE, perAddress: options.perAddress ?? 50 },
    sessionTtlMs: 12 * 60 * MINUTE,
    now: () => clock.now,
    openAccount: (_bank, requestId) => {
      if (!bankUp.value) return Promise.reject(new Error('bank down'));
      const index = opened.indexOf(requestId);
      if (index >= 0) return Promise.resolve(String(3001 + index));
      opened.push(requestId);
      return Promise.resolve(String(3000 + opened.length));
    },
  });
  return { auth, clock, opened, bankUp, checks, usersDown };
}

const erin = { username: 'erin', password: 'erin-pass-1', bank: 'SBI', initialDeposit: 100n };

describe('AuthService', () => {
  it('issues a 256-bit token that authenticates until logout', async () => {
    const { auth } = await setup();
    await auth.register(erin);
    const { token, expiresAt } = await auth.login('erin', 'erin-pass-1', HERE);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(expiresAt.getTime()).toBe(1_700_000_000_000 + 12 * 60 * MINUTE);
    const user = await auth.authenticate(token);
    expect(user).toMatchObject({ username: 'erin', account: 'SBI:3001' });
    await auth.logout(user);
    await expect(auth.authenticate(token)).rejects.toThrow(
      new Unauthenticated('session was logged out: log in again'),
    );
  });

  it('expires a session after the idle time, and keeps a busy one alive until its absolute expiry', async () => {
    const { auth, clock } = await setup();
    await auth.register(erin);
    const idle = (await auth.login('erin', 'erin-pass-1', HERE)).token;
    const busy = (await auth.login('erin', 'erin-pass-1', HERE)).token;
    for (let i = 0; i < 24; i++) {
      clock.now += 29 * MINUTE;
      await auth.authenticate(busy);
    }
    await expect(auth.authenticate(idle)).rejects.toThrow('session expired');
    clock.now += 29 * MINUTE;
    await expect(auth.authenticate(busy)).rejects.toThrow('session expired');
  });

  it('refuses unknown and missing tokens', async () => {
    const { auth } = await setup();
    await expect(auth.authenticate(undefined)).rejects.toBeInstanceOf(Unauthenticated);
    await expect(auth.authenticate('made-up')).rejects.toBeInstanceOf(Unauthenticated);
  });

  it('locks a username from one address for 15 minutes after 5 failures, then lets it in again', async () => {
    const { auth, clock } = await setup();
    await auth.register(erin);
    for (let i = 0; i < 5; i++) {
      await expect(auth.login('erin', 'wrong-password', HERE)).rejects.toBeInstanceOf(
        InvalidCredentials,
      );
      clock.now += MINUTE;
    }
    await expect(auth.login('erin', 'erin-pass-1', HERE)).rejects.toBeInstanceOf(TooManyAttempts);
    clock.now += 10 * MINUTE - 1;
    await expect(auth.login('erin', 'erin-pass-1', HERE)).rejects.toBeInstanceOf(TooManyAttempts);
    clock.now += 1;
    await expect(auth.login('erin', 'erin-pass-1', HERE)).resolves.toMatchObject({
      user: { username: 'erin' },
    });
  });

  it('resumes a registration interrupted by its bank, opening the account once', async () => {
    const { auth, bankUp, opened } = await setup();
    bankUp.value = false;
    await expect(auth.register(erin)).rejects.toThrow('bank down');
    await expect(auth.login('erin', 'erin-pass-1', HERE)).rejects.toBeInstanceOf(
      InvalidCredentials,
    );
    bankUp.value = true;
    await expect(auth.register({ ...erin, password: 'other-pass-1' })).rejects.toBeInstanceOf(
      UsernameTaken,
    );
    await expect(auth.register(erin)).resolves.toMatchObject({
      state: 'ACTIVE',
      accountNo: '3001',
    });
    await expect(auth.resumePending()).resolves.toBe(0);
    expect(opened).toHaveLength(1);
  });

  it('answers a completed registration retried identically with the same account, and only that', async () => {
    const { auth, opened } = await setup();
    const first = await auth.register(erin);
    await expect(auth.register(erin)).resolves.toMatchObject({
      username: 'erin',
      accountNo: first.accountNo,
      state: 'ACTIVE',
    });
    expect(opened).toHaveLength(1);
    for (const other of [
      { ...erin, password: 'other-pass-1' },
      { ...erin, initialDeposit: 101n },
      { ...erin, bank: 'SBI', initialDeposit: 0n },
    ]) {
      await expect(auth.register(other)).rejects.toBeInstanceOf(UsernameTaken);
    }
    expect(opened).toHaveLength(1);
  });

  it('finishes pending registrations at start', async () => {
    const { auth, bankUp } = await setup();
    bankUp.value = false;
    await auth.register(erin).catch(() => undefined);
    bankUp.value = true;
    await expect(auth.resumePending()).resolves.toBe(1);
    await expect(auth.login('erin', 'erin-pass-1', HERE)).resolves.toMatchObject({
      user: { accountNo: '3001' },
    });
  });

  it('checks at most 5 passwords of a burst from one address; the right one late in it is refused', async () => {
    const { auth, checks } = await setup();
    await auth.register(erin);
    checks.count = 0;
    const burst = [
      ...Array.from({ length: 49 }, () => auth.login('erin', 'wrong-password', HERE)),
      auth.login('erin', 'erin-pass-1', HERE),
    ];
    const outcomes = await Promise.allSettled(burst);
    const reasons = outcomes.map((o) =>
      o.status === 'fulfilled' ? 'session' : (o.reason as Error).constructor.name,
    );
    expect(reasons.filter((r) => r === 'InvalidCredentials')).toHaveLength(5);
    expect(reasons.filter((r) => r === 'TooManyAttempts')).toHaveLength(45);
    expect(reasons.at(-1)).toBe('TooManyAttempts');
    expect(checks.count).toBe(5);
  });

  it('does not lock the owner out from another address, but slows a guesser spread over many', async () => {
    const { auth } = await setup();
    await auth.register(erin);
    for (let i = 0; i < 5; i++) {
      await expect(auth.login('erin', 'wrong-password', '10.9.9.9')).rejects.toBeInstanceOf(
        InvalidCredentials,
      );
    }
    await expect(auth.login('erin', 'erin-pass-1', '10.9.9.9')).rejects.toBeInstanceOf(
      TooManyAttempts,
    );
    await expect(auth.login('erin', 'erin-pass-1', HERE)).resolves.toMatchObject({
      user: { username: 'erin' },
    });
    for (let address = 0; address < 15; address++) {
      await auth.login('erin', 'wrong-password', `10.1.0.${address}`).catch(() => undefined);
    }
    await expect(auth.login('erin', 'erin-pass-1', HERE)).rejects.toBeInstanceOf(TooManyAttempts);
  });

  it('slows one password tried across many usernames from one address', async () => {
    const { auth } = await setup({ perAddress: 10 });
    await auth.register(erin);
    const refusals: string[] = [];
    for (let i = 0; i < 11; i++) {
      await auth
        .login(`user${i}`, 'summer-2026', '10.6.6.6')
        .catch((err: unknown) => refusals.push((err as Error).constructor.name));
    }
    expect(refusals.slice(0, 10).every((r) => r === 'InvalidCredentials')).toBe(true);
    expect(refusals[10]).toBe('TooManyAttempts');
    await expect(auth.login('erin', 'erin-pass-1', '10.6.6.6')).rejects.toBeInstanceOf(
      TooManyAttempts,
    );
  });

  it('does not count a check that failed for want of the database, only wrong passwords', async () => {
    const { auth, usersDown } = await setup();
    await auth.register(erin);
    usersDown.value = true;
    for (let i = 0; i < 8; i++) {
      await expect(auth.login('erin', 'erin-pass-1', HERE)).rejects.toThrow('database unreachable');
    }
    usersDown.value = false;
    for (let i = 0; i < 4; i++) {
      await expect(auth.login('erin', 'wrong-pass-1', HERE)).rejects.toThrow(InvalidCredentials);
    }
    await expect(auth.login('erin', 'erin-pass-1', HERE)).resolves.toMatchObject({
      user: { username: 'erin' },
    });
    await expect(auth.login('erin', 'wrong-pass-1', HERE)).rejects.toThrow(InvalidCredentials);
    await expect(auth.login('erin', 'erin-pass-1', HERE)).rejects.toThrow(TooManyAttempts);
  });

  it('refuses a username that can never exist without counting or hashing it', async () => {
    const { auth, checks } = await setup();
    await auth.register(erin);
    checks.count = 0;
    for (let i = 0; i < 60; i++) {
      await expect(auth.login('x'.repeat(1_000_000), 'pw', HERE)).rejects.toBeInstanceOf(
        InvalidCredentials,
      );
      await expect(auth.login('erin', 'p'.repeat(200_000), HERE)).rejects.toBeInstanceOf(
        InvalidCredentials,
      );
    }
    expect(checks.count).toBe(0);
    await expect(auth.login('erin', 'erin-pass-1', HERE)).resolves.toMatchObject({
      user: { username: 'erin' },
    });
  });

  it('keeps a session in use alive however short the idle time, and expires an unused one', async () => {
    const { auth, clock } = await setup({ sessionIdleMs: 10_000 });
    await auth.register(erin);
    const busy = (await auth.login('erin', 'erin-pass-1', HERE)).token;
    const idle = (await auth.login('erin', 'erin-pass-1', HERE)).token;
    for (let i = 0; i < 30; i++) {
      clock.now += 9_900;
      await expect(auth.authenticate(busy)).resolves.toMatchObject({ username: 'erin' });
    }
    await expect(auth.authenticate(idle)).rejects.toThrow('session expired');
  });
});
