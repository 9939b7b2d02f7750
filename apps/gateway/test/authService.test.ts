import {
  InvalidCredentials,
  TooManyAttempts,
  Unauthenticated,
  UsernameTaken,
} from '@strife/domain';
import { AuthService } from '../src/auth/authService';
import { SqliteLoginFailures } from '../src/auth/loginThrottle';
import { SqliteSessionStore } from '../src/auth/sessionStore';
import { SqliteUserStore } from '../src/auth/userStore';
import { openGatewayDb } from '../src/store/gatewayDb';

const MINUTE = 60_000;

/** An AuthService on in-memory stores, a fake clock and a fake bank. */
function setup() {
  const db = openGatewayDb(':memory:');
  const clock = { now: 1_700_000_000_000 };
  const opened: string[] = [];
  const bankUp = { value: true };
  const auth = new AuthService({
    users: new SqliteUserStore(db),
    sessions: new SqliteSessionStore(db),
    failures: new SqliteLoginFailures(db),
    banks: new Set(['SBI']),
    sessionIdleMs: 30 * MINUTE,
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
  return { auth, clock, opened, bankUp };
}

const erin = { username: 'erin', password: 'erin-pass-1', bank: 'SBI', initialDeposit: 100n };

describe('AuthService', () => {
  it('issues a 256-bit token that authenticates until logout', async () => {
    const { auth } = setup();
    await auth.register(erin);
    const { token, expiresAt } = await auth.login('erin', 'erin-pass-1');
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
    const { auth, clock } = setup();
    await auth.register(erin);
    const idle = (await auth.login('erin', 'erin-pass-1')).token;
    const busy = (await auth.login('erin', 'erin-pass-1')).token;
    for (let i = 0; i < 24; i++) {
      clock.now += 29 * MINUTE;
      await auth.authenticate(busy);
    }
    await expect(auth.authenticate(idle)).rejects.toThrow('session expired');
    clock.now += 29 * MINUTE;
    await expect(auth.authenticate(busy)).rejects.toThrow('session expired');
  });

  it('refuses unknown and missing tokens', async () => {
    const { auth } = setup();
    await expect(auth.authenticate(undefined)).rejects.toBeInstanceOf(Unauthenticated);
    await expect(auth.authenticate('made-up')).rejects.toBeInstanceOf(Unauthenticated);
  });

  it('locks a username for 15 minutes after 5 failures, then lets it in again', async () => {
    const { auth, clock } = setup();
    await auth.register(erin);
    for (let i = 0; i < 5; i++) {
      await expect(auth.login('erin', 'wrong-password')).rejects.toBeInstanceOf(InvalidCredentials);
      clock.now += MINUTE;
    }
    await expect(auth.login('erin', 'erin-pass-1')).rejects.toBeInstanceOf(TooManyAttempts);
    clock.now += 10 * MINUTE - 1;
    await expect(auth.login('erin', 'erin-pass-1')).rejects.toBeInstanceOf(TooManyAttempts);
    clock.now += 1;
    await expect(auth.login('erin', 'erin-pass-1')).resolves.toMatchObject({
      user: { username: 'erin' },
    });
  });

  it('resumes a registration interrupted by its bank, opening the account once', async () => {
    const { auth, bankUp, opened } = setup();
    bankUp.value = false;
    await expect(auth.register(erin)).rejects.toThrow('bank down');
    await expect(auth.login('erin', 'erin-pass-1')).rejects.toBeInstanceOf(InvalidCredentials);
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
    await expect(auth.register(erin)).rejects.toBeInstanceOf(UsernameTaken);
  });

  it('finishes pending registrations at start', async () => {
    const { auth, bankUp } = setup();
    bankUp.value = false;
    await auth.register(erin).catch(() => undefined);
    bankUp.value = true;
    await expect(auth.resumePending()).resolves.toBe(1);
    await expect(auth.login('erin', 'erin-pass-1')).resolves.toMatchObject({
      user: { accountNo: '3001' },
    });
  });
});
