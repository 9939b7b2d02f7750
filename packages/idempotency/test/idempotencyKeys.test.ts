import {
  IdempotencyKeyExpired,
  IdempotencyKeyReused,
  InvalidArgument,
  RequestInFlight,
} from '@strife/domain';
import {
  type Fingerprint,
  IdempotencyKeys,
  type IdempotencyKeysOptions,
  type Stored,
} from '../src';

interface Outcome {
  txid: bigint;
  status: string;
}

/**
 * A store shared by any number of `IdempotencyKeys` (as several gateway instances share one
 * database): `begin` inserts the key unless present; `finish` stores its outcome.
 */
class MemoryStore {
  readonly rows = new Map<string, Stored<Outcome>>();
  readonly find = (scope: string, key: string): Promise<Stored<Outcome> | undefined> =>
    // An await, as a real database read would take.
    Promise.resolve().then(() => this.rows.get(`${scope}/${key}`));

  begin(scope: string, key: string, fingerprint: Fingerprint): () => Promise<boolean> {
    return () =>
      Promise.resolve().then(() => {
        if (this.rows.has(`${scope}/${key}`)) return false;
        this.rows.set(`${scope}/${key}`, { state: 'KNOWN', fingerprint, outcome: undefined });
        return true;
      });
  }

  finish(scope: string, key: string, outcome: Outcome): void {
    const row = this.rows.get(`${scope}/${key}`);
    if (row?.state !== 'KNOWN') throw new Error('not claimed');
    this.rows.set(`${scope}/${key}`, { ...row, outcome });
  }
}

const request = { to: 'SBI:2001', amount: '10000' };

function setup(options: Partial<IdempotencyKeysOptions<Outcome>> = {}) {
  const store = new MemoryStore();
  const keys = new IdempotencyKeys<Outcome>({
    find: store.find,
    waitMs: 1000,
    pollMs: 5,
    ...options,
  });
  const claim = (scope: string, key: string, fingerprint: Fingerprint = request) =>
    keys.claim(scope, key, fingerprint, store.begin(scope, key, fingerprint));
  return { store, keys, claim };
}

describe('IdempotencyKeys', () => {
  it('lets the first request through and replays its outcome to every retry', async () => {
    const { store, claim } = setup();
    await expect(claim('alice', 'k1')).resolves.toEqual({ status: 'new' });
    store.finish('alice', 'k1', { txid: 7n, status: 'COMMITTED' });
    for (let i = 0; i < 3; i++) {
      await expect(claim('alice', 'k1', { ...request })).resolves.toEqual({
        status: 'replay',
        outcome: { txid: 7n, status: 'COMMITTED' },
      });
    }
  });

  it('refuses the same key with a different request, naming the fields that differ', async () => {
    const { store, claim } = setup();
    await claim('alice', 'k1');
    store.finish('alice', 'k1', { txid: 7n, status: 'COMMITTED' });
    await expect(claim('alice', 'k1', { ...request, amount: '10001' })).rejects.toThrow(
      new IdempotencyKeyReused('k1', ['amount']),
    );
    await expect(claim('alice', 'k1', { to: 'ICICI:1001', amount: '1' })).rejects.toThrow(
      'idempotency key "k1" was used for a different request (amount, to differ)',
    );
  });

  it('refuses a key whose record was pruned, and never runs the request again', async () => {
    const { store, claim } = setup();
    store.rows.set('alice/old', { state: 'EXPIRED' });
    await expect(claim('alice', 'old')).rejects.toBeInstanceOf(IdempotencyKeyExpired);
    expect(store.rows.get('alice/old')).toEqual({ state: 'EXPIRED' });
  });

  it('scopes keys to their user', async () => {
    const { claim } = setup();
    await expect(claim('alice', 'shared')).resolves.toEqual({ status: 'new' });
    await expect(claim('bob', 'shared', { to: 'ICICI:1001', amount: '5' })).resolves.toEqual({
      status: 'new',
    });
  });

  it('makes a retry wait for the in-flight attempt, woken at once when it settles here', async () => {
    const { store, keys, claim } = setup({ pollMs: 60_000 });
    await claim('alice', 'k1');
    const retry = claim('alice', 'k1');
    setTimeout(() => {
      store.finish('alice', 'k1', { txid: 9n, status: 'ABORTED' });
      keys.settled('alice', 'k1');
    }, 30);
    await expect(retry).resolves.toEqual({
      status: 'replay',
      outcome: { txid: 9n, status: 'ABORTED' },
    });
  });

  it('sees an attempt settled by another instance sharing the store, by polling', async () => {
    const store = new MemoryStore();
    const first = new IdempotencyKeys<Outcome>({ find: store.find, pollMs: 5 });
    const second = new IdempotencyKeys<Outcome>({ find: store.find, pollMs: 5 });
    await first.claim('alice', 'k1', request, store.begin('alice', 'k1', request));
    const retry = second.claim('alice', 'k1', request, store.begin('alice', 'k1', request));
    setTimeout(() => store.finish('alice', 'k1', { txid: 3n, status: 'COMMITTED' }), 30);
    await expect(retry).resolves.toMatchObject({ status: 'replay' });
  });

  it('answers RequestInFlight when the attempt outlasts the wait', async () => {
    const { claim } = setup({ waitMs: 40 });
    await claim('alice', 'k1');
    await expect(claim('alice', 'k1')).rejects.toBeInstanceOf(RequestInFlight);
  });

  it('lets exactly one of 50 concurrent claims through, across 3 instances; the rest replay it', async () => {
    const store = new MemoryStore();
    const instances = [1, 2, 3].map(
      () => new IdempotencyKeys<Outcome>({ find: store.find, pollMs: 2 }),
    );
    let begun = 0;
    const answers = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const keys = instances[i % 3]!;
        const claim = await keys.claim('alice', 'k1', request, async () => {
          const inserted = await store.begin('alice', 'k1', request)();
          if (inserted) begun += 1;
          return inserted;
        });
        if (claim.status === 'replay') return claim.outcome;
        await new Promise((resolve) => setTimeout(resolve, 20));
        store.finish('alice', 'k1', { txid: 1n, status: 'COMMITTED' });
        return { txid: 1n, status: 'COMMITTED' };
      }),
    );
    expect(begun).toBe(1);
    expect(new Set(answers.map((a) => `${a.txid}/${a.status}`))).toEqual(new Set(['1/COMMITTED']));
  });

  it('records nothing when the request cannot start (begin throws), so a retry starts afresh', async () => {
    const { store, keys, claim } = setup();
    await expect(
      keys.claim('alice', 'k1', request, () => Promise.reject(new Error('txid service down'))),
    ).rejects.toThrow('txid service down');
    expect(store.rows.size).toBe(0);
    await expect(claim('alice', 'k1')).resolves.toEqual({ status: 'new' });
  });

  it.each([
    ['', 'must be 1 to 255 characters'],
    ['x'.repeat(256), 'must be 1 to 255 characters'],
    ['has space', 'must be printable ASCII without spaces'],
    ['ключ', 'must be printable ASCII without spaces'],
  ])('refuses the key %j before reading anything', async (key, problem) => {
    const { store, claim } = setup();
    await expect(claim('alice', key)).rejects.toThrow(
      new InvalidArgument('idempotency_key', problem),
    );
    expect(store.rows.size).toBe(0);
  });

  it('accepts a 255-character key', async () => {
    await expect(setup().claim('alice', 'k'.repeat(255))).resolves.toEqual({ status: 'new' });
  });
});
