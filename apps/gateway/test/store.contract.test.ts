import type { Leg } from '@strife/coordinator';
import {
  CHECK_FORGOTTEN_MS,
  CHECKS_IN_FLIGHT_RETRY_MS,
  DEFAULT_THROTTLE,
  bucketsFor,
} from '../src/auth/loginThrottle';
import type { PaymentClaim } from '../src/payments/paymentStore';
import type { GatewayStore } from '../src/store/gatewayStore';
import { BACKENDS, type OpenInstance } from './storeBackends';

const legs = (amount: bigint): Leg[] => [
  { participant: 'ICICI', kind: 'debit', account: '1001', amount },
  { participant: 'SBI', kind: 'credit', account: '2001', amount },
];

function claim(txid: bigint, key = `k${txid}`, username = 'alice'): PaymentClaim {
  return {
    username,
    key,
    txid,
    from: 'ICICI:1001',
    to: 'SBI:2001',
    amount: 500n,
    createdAt: new Date(1_700_000_000_000 + Number(txid)),
    legs: legs(500n),
  };
}

const user = (username: string) => ({
  username,
  passwordHash: 'scrypt$…',
  bank: 'SBI',
  openRequestId: `register:${username}`,
  initialDeposit: 100n,
});

describe.each(BACKENDS)('gateway store on $name', (backend) => {
  let open: OpenInstance;
  let close: () => Promise<void>;
  let store: GatewayStore;

  beforeEach(async () => {
    ({ open, close } = await backend.fresh());
    store = await open();
  });
  afterEach(() => close());

  describe('payments', () => {
    it('claims a key with its txid and INITIATED in one write; a second claim writes nothing', async () => {
      expect(await store.payments.claim(claim(7n))).toBe(true);
      expect(await store.decisions.get(7n)).toMatchObject({ state: 'INITIATED', legs: legs(500n) });
      expect(await store.payments.find('alice', 'k7')).toMatchObject({
        txid: 7n,
        status: 'PENDING',
        from: 'ICICI:1001',
        to: 'SBI:2001',
        amount: 500n,
      });
      expect(await store.payments.claim(claim(8n, 'k7'))).toBe(false);
      expect(await store.decisions.get(8n)).toBeUndefined();
      expect(await store.payments.find('bob', 'k7')).toBeUndefined();
    });

    it('settles the payment with the decision, atomically, and keeps the first decision', async () => {
      await store.payments.claim(claim(1n));
      await store.payments.claim(claim(2n));
      expect(await store.decisions.decide(1n, 'COMMIT')).toBe('COMMIT');
      expect(await store.decisions.decide(1n, 'ABORT', { kind: 'PRESUMED' })).toBe('COMMIT');
      expect(
        await store.decisions.decide(2n, 'ABORT', {
          kind: 'VOTED_NO',
          participant: 'ICICI',
          reason: 'INSUFFICIENT_FUNDS',
          detail: 'account 1001 has 1.00 available, 5.00 requested',
        }),
      ).toBe('ABORT');
      expect(await store.payments.find('alice', 'k1')).toMatchObject({
        status: 'COMMITTED',
        abortReason: undefined,
        reason: '',
      });
      expect(await store.payments.find('alice', 'k2')).toMatchObject({
        status: 'ABORTED',
        abortReason: 'INSUFFICIENT_FUNDS',
        reason: 'insufficient funds: account 1001 has 1.00 available, 5.00 requested',
      });
    });

    it('lists a user’s payments newest first, paging by txid', async () => {
      for (const txid of [3n, 1n, 2n, 4n]) await store.payments.claim(claim(txid));
      await store.payments.claim(claim(5n, 'other', 'bob'));
      const page = await store.payments.list('alice', 3, undefined);
      expect(page.map((p) => p.txid)).toEqual([4n, 3n, 2n]);
      expect((await store.payments.list('alice', 3, 2n)).map((p) => p.txid)).toEqual([1n]);
    });

    it('prunes only payments whose transaction is DONE and old enough, leaving a tombstone', async () => {
      for (const txid of [1n, 2n, 3n]) await store.payments.claim(claim(txid));
      for (const txid of [1n, 2n]) await store.decisions.decide(txid, 'COMMIT');
      await store.decisions.markDone(1n);
      expect(await store.payments.prune(Date.now() + 60_000, 100)).toBe(1);
      expect(await store.payments.find('alice', 'k1')).toBe('EXPIRED');
      expect(await store.decisions.get(1n)).toBeUndefined();
      expect(await store.payments.find('alice', 'k2')).toMatchObject({ status: 'COMMITTED' });
      expect(await store.payments.find('alice', 'k3')).toMatchObject({ status: 'PENDING' });
      expect(await store.payments.prune(0, 100)).toBe(0);
      expect(await store.payments.claim(claim(9n, 'k1'))).toBe(true);
    });

    it('prunes past older decided payments still in phase 2, however many fill the limit', async () => {
      for (const txid of [1n, 2n, 3n]) await store.payments.claim(claim(txid));
      for (const txid of [1n, 2n, 3n]) await store.decisions.decide(txid, 'COMMIT');
      await store.decisions.markDone(3n);
      expect(await store.payments.prune(Date.now() + 60_000, 2)).toBe(1);
      expect(await store.payments.find('alice', 'k3')).toBe('EXPIRED');
      expect(await store.payments.find('alice', 'k1')).toMatchObject({ status: 'COMMITTED' });
    });
  });

  describe('decision log', () => {
    it('gives a restarted instance what its previous life left, and renews only what it holds', async () => {
      await store.payments.claim(claim(1n));
      await store.payments.claim(claim(2n));
      await store.decisions.decide(2n, 'ABORT', { kind: 'PRESUMED' });
      expect(await store.decisions.takeOver(10)).toEqual([]);
      await store.close();
      store = await open({ name: 'gw1' });
      const taken = await store.decisions.takeOver(10);
      expect(taken.map((r) => [r.txid, r.state])).toEqual([
        [1n, 'INITIATED'],
        [2n, 'ABORT'],
      ]);
      expect(await store.decisions.renew([1n, 2n, 3n])).toEqual([3n]);
    });
  });

  describe('users and sessions', () => {
    it('reserves a username once, activates it, and imports seeds only into an empty store', async () => {
      expect(await store.users.reserve(user('erin'))).toBe(true);
      expect(await store.users.reserve(user('erin'))).toBe(false);
      expect(await store.users.pending()).toMatchObject([{ username: 'erin', state: 'PENDING' }]);
      await store.users.activate('erin', '3001');
      expect(await store.users.find('erin')).toMatchObject({ state: 'ACTIVE', accountNo: '3001' });
      expect(
        await store.users.importIfEmpty([
          { username: 'zed', passwordHash: 'h', bank: 'SBI', accountNo: '9' },
        ]),
      ).toBe(0);
    });

    it('reads a session with no account while its owner is still PENDING', async () => {
      await store.users.reserve(user('bob'));
      await store.sessions.create('t2', 'bob', 1000, 5000);
      expect(await store.sessions.find('t2')).toMatchObject({
        username: 'bob',
        account: undefined,
      });
      await store.users.activate('bob', '2001');
      expect(await store.sessions.find('t2')).toMatchObject({
        account: { bank: 'SBI', accountNo: '2001' },
      });
    });

    it('creates, touches, revokes and prunes sessions', async () => {
      await store.users.importIfEmpty([
        { username: 'alice', passwordHash: 'h', bank: 'ICICI', accountNo: '1001' },
      ]);
      await store.sessions.create('t1', 'alice', 1000, 5000);
      await store.sessions.touch('t1', 2000);
      await store.sessions.touch('t1', 1500);
      expect(await store.sessions.find('t1')).toEqual({
        username: 'alice',
        createdAt: 1000,
        lastSeenAt: 2000,
        expiresAt: 5000,
        revoked: false,
        account: { bank: 'ICICI', accountNo: '1001' },
      });
      await store.sessions.revoke('t1', 3000);
      expect(await store.sessions.find('t1')).toMatchObject({ revoked: true });
      expect(await store.sessions.prune(4000)).toBe(0);
      expect(await store.sessions.prune(6000)).toBe(1);
      expect(await store.sessions.find('t1')).toBeUndefined();
    });
  });

  describe('login throttle', () => {
    const policy = { ...DEFAULT_THROTTLE, perUserAndAddress: 3 };
    const buckets = bucketsFor('alice', '10.0.0.1', policy);

    const keys = buckets.map((b) => b.key);

    it('admits the limit of checks in flight; a right password frees its check, a wrong one stays a failure', async () => {
      const now = 1_000_000;
      for (let i = 0; i < 3; i++) {
        expect(await store.throttle.reserve(buckets, now, policy.windowMs)).toEqual({ ok: true });
      }
      expect(await store.throttle.reserve(buckets, now + 1, policy.windowMs)).toEqual({
        ok: false,
        retryAfterMs: CHECKS_IN_FLIGHT_RETRY_MS,
      });
      await store.throttle.settle(keys, false, now + 2, policy.windowMs);
      await store.throttle.settle(keys, true, now + 3, policy.windowMs);
      await store.throttle.settle(keys, true, now + 4, policy.windowMs);
      expect(await store.throttle.reserve(buckets, now + 5, policy.windowMs)).toEqual({ ok: true });
      await store.throttle.settle(keys, true, now + 6, policy.windowMs);
      // Three failures fill the window, from the first one's time.
      expect(await store.throttle.reserve(buckets, now + 7, policy.windowMs)).toEqual({
        ok: false,
        retryAfterMs: policy.windowMs - 4,
      });
      expect(
        await store.throttle.reserve(buckets, now + 3 + policy.windowMs, policy.windowMs),
      ).toEqual({
        ok: true,
      });
      await store.throttle.settle(keys, true, now + 4 + policy.windowMs, policy.windowMs);
      expect(await store.throttle.prune(now + policy.windowMs)).toBe(0);
      expect(await store.throttle.prune(now + 3 * policy.windowMs)).toBe(3);
    });

    it('forgets the checks a crashed run left once the instance runs again, or after a while', async () => {
      const now = 2_000_000;
      for (let i = 0; i < 3; i++) await store.throttle.reserve(buckets, now, policy.windowMs);
      expect(await store.throttle.reserve(buckets, now, policy.windowMs)).toMatchObject({
        ok: false,
      });
      await store.close();
      store = await open();
      expect(await store.throttle.reserve(buckets, now + 1, policy.windowMs)).toEqual({ ok: true });
      await store.throttle.settle(keys, true, now + 2, policy.windowMs);
      for (let i = 0; i < 2; i++) await store.throttle.reserve(buckets, now + 3, policy.windowMs);
      // One failure and two checks in flight: full until the checks are forgotten.
      expect(
        await store.throttle.reserve(buckets, now + 2 + CHECK_FORGOTTEN_MS, policy.windowMs),
      ).toMatchObject({ ok: false });
      expect(
        await store.throttle.reserve(buckets, now + 3 + CHECK_FORGOTTEN_MS, policy.windowMs),
      ).toEqual({ ok: true });
    });

    it('never lets more than the limit through, however many attempts arrive at once', async () => {
      const answers = await Promise.all(
        Array.from({ length: 40 }, () =>
          store.throttle.reserve(buckets, 5_000_000, policy.windowMs),
        ),
      );
      expect(answers.filter((a) => a.ok)).toHaveLength(3);
    });
  });

  if (!backend.shared) return;

  describe('several instances on one database', () => {
    let instances: GatewayStore[];
    beforeEach(async () => {
      instances = [store, await open({ name: 'gw2' }), await open({ name: 'gw3' })];
    });

    it('lets one of three instances claiming the same key at once win; the others write nothing', async () => {
      const results = await Promise.all(
        instances.map((s, i) => s.payments.claim(claim(BigInt(10 + i), 'same'))),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = 10n + BigInt(results.indexOf(true));
      for (const s of instances) {
        expect(await s.payments.find('alice', 'same')).toMatchObject({ txid: winner });
      }
      for (const txid of [10n, 11n, 12n].filter((t) => t !== winner)) {
        expect(await store.decisions.get(txid)).toBeUndefined();
      }
    });

    it('keeps the first decision whichever instance writes it, and settles the payment once', async () => {
      await instances[0]!.payments.claim(claim(20n));
      const decisions = await Promise.all([
        instances[1]!.decisions.decide(20n, 'ABORT', { kind: 'PRESUMED' }),
        instances[2]!.decisions.decide(20n, 'COMMIT'),
        instances[0]!.decisions.decide(20n, 'COMMIT'),
      ]);
      expect(new Set(decisions).size).toBe(1);
      const payment = await instances[2]!.payments.find('alice', 'k20');
      expect(payment).toMatchObject({
        status: decisions[0] === 'COMMIT' ? 'COMMITTED' : 'ABORTED',
      });
    });

    it('hands an orphaned transaction to exactly one of the instances taking over at once', async () => {
      const dead = await open({ name: 'gw9', leaseMs: 1 });
      for (const txid of [30n, 31n, 32n, 33n]) await dead.payments.claim(claim(txid));
      await new Promise((resolve) => setTimeout(resolve, 20));
      const taken = await Promise.all(instances.map((s) => s.decisions.takeOver(10)));
      const txids = taken.flat().map((r) => r.txid);
      expect([...txids].sort()).toEqual([30n, 31n, 32n, 33n]);
      expect(new Set(txids).size).toBe(4);
      expect(await dead.decisions.renew([30n])).toEqual([30n]);
    });

    it('does not take over what a live instance holds', async () => {
      await instances[0]!.payments.claim(claim(40n));
      expect(await instances[1]!.decisions.takeOver(10)).toEqual([]);
      expect(await instances[0]!.decisions.renew([40n])).toEqual([]);
    });

    it('revokes a session on every instance at once', async () => {
      await store.users.importIfEmpty([
        { username: 'alice', passwordHash: 'h', bank: 'ICICI', accountNo: '1001' },
      ]);
      await instances[1]!.sessions.create('t', 'alice', 1, 10_000);
      await instances[2]!.sessions.revoke('t', 2);
      expect(await instances[0]!.sessions.find('t')).toMatchObject({ revoked: true });
    });

    it('counts login attempts across instances: 60 at once on three instances admit 3', async () => {
      const policy = { ...DEFAULT_THROTTLE, perUserAndAddress: 3 };
      const buckets = bucketsFor('bob', '10.0.0.2', policy);
      const answers = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          instances[i % 3]!.throttle.reserve(buckets, 7_000_000, policy.windowMs),
        ),
      );
      expect(answers.filter((a) => a.ok)).toHaveLength(3);
    });

    it('imports the seed users once when instances start together', async () => {
      const seed = [{ username: 'alice', passwordHash: 'h', bank: 'ICICI', accountNo: '1001' }];
      const imported = await Promise.all(instances.map((s) => s.users.importIfEmpty(seed)));
      expect(imported.sort()).toEqual([0, 0, 1]);
    });
  });
});
