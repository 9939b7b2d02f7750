import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdempotencyKeyReused, InvalidArgument, RequestInFlight } from '@strife/domain';
import {
  IdempotencyKeys,
  SqliteIdempotencyStore,
  type Codec,
  type IdempotencyKeysOptions,
} from '../src';

interface Outcome {
  txid: bigint;
  status: string;
}

const codec: Codec<Outcome> = {
  encode: (o) => JSON.stringify({ txid: o.txid.toString(), status: o.status }),
  decode: (text) => {
    const raw = JSON.parse(text) as { txid: string; status: string };
    return { txid: BigInt(raw.txid), status: raw.status };
  },
};

const request = { to: 'SBI:2001', amount: '10000' };

function keys(options: Partial<IdempotencyKeysOptions<Outcome>> = {}) {
  const store = SqliteIdempotencyStore.open(':memory:');
  return new IdempotencyKeys<Outcome>({ store, codec, waitMs: 1000, pollMs: 5, ...options });
}

describe('IdempotencyKeys', () => {
  it('lets the first request through and replays its outcome to every retry', async () => {
    const k = keys();
    await expect(k.claim('alice', 'k1', request)).resolves.toEqual({ status: 'new' });
    await k.complete('alice', 'k1', { txid: 7n, status: 'COMMITTED' });
    for (let i = 0; i < 3; i++) {
      await expect(k.claim('alice', 'k1', { ...request })).resolves.toEqual({
        status: 'replay',
        outcome: { txid: 7n, status: 'COMMITTED' },
      });
    }
  });

  it('refuses the same key with a different request, naming the fields that differ', async () => {
    const k = keys();
    await k.claim('alice', 'k1', request);
    await k.complete('alice', 'k1', { txid: 7n, status: 'COMMITTED' });
    await expect(k.claim('alice', 'k1', { ...request, amount: '10001' })).rejects.toThrow(
      new IdempotencyKeyReused('k1', ['amount']),
    );
    await expect(k.claim('alice', 'k1', { to: 'ICICI:1001', amount: '1' })).rejects.toThrow(
      'idempotency key k1 was used for a different request (amount, to differ)',
    );
  });

  it('scopes keys to their user', async () => {
    const k = keys();
    await expect(k.claim('alice', 'shared', request)).resolves.toEqual({ status: 'new' });
    await expect(k.claim('bob', 'shared', { to: 'ICICI:1001', amount: '5' })).resolves.toEqual({
      status: 'new',
    });
  });

  it('makes a retry wait for the in-flight attempt and then replay it', async () => {
    const k = keys();
    await k.claim('alice', 'k1', request);
    const retry = k.claim('alice', 'k1', request);
    setTimeout(() => void k.complete('alice', 'k1', { txid: 9n, status: 'ABORTED' }), 30);
    await expect(retry).resolves.toEqual({
      status: 'replay',
      outcome: { txid: 9n, status: 'ABORTED' },
    });
  });

  it('answers RequestInFlight when the attempt outlasts the wait', async () => {
    const k = keys({ waitMs: 40 });
    await k.claim('alice', 'k1', request);
    await expect(k.claim('alice', 'k1', request)).rejects.toBeInstanceOf(RequestInFlight);
  });

  it('sees attempts completed by another instance sharing the store', async () => {
    const store = SqliteIdempotencyStore.open(':memory:');
    const first = new IdempotencyKeys<Outcome>({ store, codec, waitMs: 1000, pollMs: 5 });
    const second = new IdempotencyKeys<Outcome>({ store, codec, waitMs: 1000, pollMs: 5 });
    await first.claim('alice', 'k1', request);
    const retry = second.claim('alice', 'k1', request);
    setTimeout(() => void first.complete('alice', 'k1', { txid: 3n, status: 'COMMITTED' }), 30);
    await expect(retry).resolves.toMatchObject({ status: 'replay' });
  });

  it('hands a released key to the next attempt as new', async () => {
    const k = keys();
    await k.claim('alice', 'k1', request);
    const retry = k.claim('alice', 'k1', request);
    setTimeout(() => void k.release('alice', 'k1'), 20);
    await expect(retry).resolves.toEqual({ status: 'new' });
  });

  it('lets exactly one of 50 concurrent claims through; the rest replay its outcome', async () => {
    const k = keys();
    let fresh = 0;
    const claims = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const claim = await k.claim('alice', 'k1', request);
        if (claim.status === 'new') {
          fresh++;
          await new Promise((resolve) => setTimeout(resolve, 20));
          return k.complete('alice', 'k1', { txid: 1n, status: 'COMMITTED' });
        }
        return claim.outcome;
      }),
    );
    expect(fresh).toBe(1);
    expect(claims).toHaveLength(50);
    expect(new Set(claims.map((c) => JSON.stringify(codec.encode(c)))).size).toBe(1);
  });

  it('keeps the first outcome if completed twice', async () => {
    const k = keys();
    await k.claim('alice', 'k1', request);
    await k.complete('alice', 'k1', { txid: 1n, status: 'COMMITTED' });
    await expect(k.complete('alice', 'k1', { txid: 1n, status: 'ABORTED' })).resolves.toEqual({
      txid: 1n,
      status: 'COMMITTED',
    });
  });

  it('expires DONE keys after retention but never in-flight ones', async () => {
    let now = 1_000_000;
    const k = keys({ retentionMs: 1000, now: () => now });
    await k.claim('alice', 'done', request);
    await k.complete('alice', 'done', { txid: 1n, status: 'COMMITTED' });
    await k.claim('alice', 'running', request);
    now += 999;
    await expect(k.expire()).resolves.toBe(0);
    now += 2;
    await expect(k.expire()).resolves.toBe(1);
    await expect(k.claim('alice', 'done', { to: 'ICICI:1001', amount: '1' })).resolves.toEqual({
      status: 'new',
    });
    await expect(k.inFlight()).resolves.toHaveLength(2);
  });

  it.each([
    ['', 'must be 1 to 255 characters'],
    ['x'.repeat(256), 'must be 1 to 255 characters'],
    ['has space', 'must be printable ASCII without spaces'],
    ['ключ', 'must be printable ASCII without spaces'],
  ])('refuses the key %j', async (key, problem) => {
    await expect(keys().claim('alice', key, request)).rejects.toThrow(
      new InvalidArgument('idempotency_key', problem),
    );
  });

  it('accepts a 255-character key', async () => {
    await expect(keys().claim('alice', 'k'.repeat(255), request)).resolves.toEqual({
      status: 'new',
    });
  });
});

describe('SqliteIdempotencyStore on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strife-idem-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps keys, outcomes and recovery points across a reopen', async () => {
    const path = join(dir, 'keys.db');
    const first = new IdempotencyKeys<Outcome>({ store: SqliteIdempotencyStore.open(path), codec });
    await first.claim('alice', 'done', request);
    await first.complete('alice', 'done', { txid: 5n, status: 'COMMITTED' });
    await first.claim('alice', 'orphan', request);
    await first.setRecoveryPoint('alice', 'orphan', '6');

    const reopened = new IdempotencyKeys<Outcome>({
      store: SqliteIdempotencyStore.open(path),
      codec,
      waitMs: 0,
    });
    await expect(reopened.claim('alice', 'done', request)).resolves.toEqual({
      status: 'replay',
      outcome: { txid: 5n, status: 'COMMITTED' },
    });
    const [orphan] = await reopened.inFlight();
    expect(orphan).toMatchObject({
      scope: 'alice',
      key: 'orphan',
      state: 'IN_FLIGHT',
      recoveryPoint: '6',
    });
    await expect(reopened.claim('alice', 'orphan', request)).rejects.toBeInstanceOf(
      RequestInFlight,
    );
  });
});
