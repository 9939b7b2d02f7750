import { Coordinator, type Participant } from '@strife/coordinator';
import { IdempotencyKeyExpired, IdempotencyKeyReused, InvalidArgument } from '@strife/domain';
import { PaymentService } from '../src/payments/paymentService';
import type { GatewayStore } from '../src/store/gatewayStore';
import { openSqliteStore } from '../src/store/sqlite/openSqliteStore';
import { describe5s } from './storeBackends';

/** A bank that votes YES (or NO for `refuse`), and records what it was asked. */
function bank(refuse = new Set<string>()): Participant & { readonly seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    prepare: (txid, leg) => {
      seen.push(`prepare ${txid} ${leg.kind}`);
      return Promise.resolve(
        refuse.has(leg.account)
          ? { vote: 'NO', reason: 'INSUFFICIENT_FUNDS', detail: `account ${leg.account}` }
          : { vote: 'YES' },
      );
    },
    commit: (txid, leg) => {
      seen.push(`commit ${txid} ${leg.kind}`);
      return Promise.resolve();
    },
    abort: (txid, leg) => {
      seen.push(`abort ${txid} ${leg.kind}`);
      return Promise.resolve();
    },
  };
}

const bob = {
  username: 'bob',
  bank: 'SBI',
  accountNo: '2001',
  account: 'SBI:2001',
  tokenHash: 'h',
};
const log = { annotate: () => undefined };

async function setup(refuse = new Set<string>()) {
  const store: GatewayStore = await openSqliteStore(':memory:', {
    owner: { name: 'gateway', incarnation: 'test', leaseMs: 3000 },
    describe: describe5s,
  });
  const banks = { SBI: bank(refuse), ICICI: bank(refuse) };
  const coordinator = new Coordinator({
    log: store.decisions,
    participants: (name) => banks[name as keyof typeof banks],
    timeouts: { prepareMs: 1000, ackMs: 1000, retryInitialMs: 1, retryMaxMs: 5 },
  });
  let next = 100n;
  const payments = new PaymentService({
    store: store.payments,
    coordinator,
    nextTxid: () => Promise.resolve((next += 1n)),
    banks: new Set(['SBI', 'ICICI']),
    describe: describe5s,
    waitMs: 2000,
  });
  return { store, banks, coordinator, payments };
}

describe('PaymentService', () => {
  it('answers once the decision is durable; every read and retry gets exactly that answer', async () => {
    const { payments, coordinator } = await setup();
    const input = { key: 'k1', to: 'ICICI:1001', from: '', amount: 500n };
    const answer = await payments.pay(bob, input, log);
    expect(answer).toMatchObject({ txid: 101n, status: 'COMMITTED', from: 'SBI:2001' });
    await expect(payments.get(bob, 'k1')).resolves.toEqual(answer);
    await expect(payments.list(bob, 0, '')).resolves.toEqual({ payments: [answer], next: '' });
    await expect(payments.pay(bob, input, log)).resolves.toEqual(answer);
    await coordinator.idle();
  });

  it('pays within one bank as one transfer leg at that bank', async () => {
    const { payments, banks, coordinator } = await setup();
    await payments.pay(bob, { key: 'same-bank', to: 'SBI:2002', from: '', amount: 5n }, log);
    await coordinator.idle();
    expect(banks.SBI.seen).toEqual(['prepare 101 transfer', 'commit 101 transfer']);
    expect(banks.ICICI.seen).toEqual([]);
  });

  it('records an abort with its reason, identically for the answer and every read', async () => {
    const { payments, coordinator } = await setup(new Set(['2001']));
    const input = { key: 'k2', to: 'ICICI:1001', from: '', amount: 500n };
    const answer = await payments.pay(bob, input, log);
    expect(answer).toMatchObject({
      status: 'ABORTED',
      abortReason: 'INSUFFICIENT_FUNDS',
      reason: 'insufficient funds: account 2001',
    });
    await expect(payments.get(bob, 'k2')).resolves.toEqual(answer);
    await coordinator.idle();
  });

  it('refuses a different request with the same key, naming the field, and pays nothing', async () => {
    const { payments, banks, coordinator } = await setup();
    await payments.pay(bob, { key: 'k3', to: 'ICICI:1001', from: '', amount: 500n }, log);
    await expect(
      payments.pay(bob, { key: 'k3', to: 'ICICI:1001', from: '', amount: 501n }, log),
    ).rejects.toThrow(new IdempotencyKeyReused('k3', ['amount']));
    await coordinator.idle();
    expect(banks.SBI.seen.filter((s) => s.startsWith('prepare'))).toHaveLength(1);
  });

  it('refuses a replay of a key whose record was pruned, never paying again', async () => {
    const { payments, store, banks, coordinator } = await setup();
    const input = { key: 'old', to: 'ICICI:1001', from: '', amount: 500n };
    await payments.pay(bob, input, log);
    await coordinator.idle();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await store.payments.prune(Date.now() + 1, 10)).toBe(1);
    await expect(payments.pay(bob, input, log)).rejects.toBeInstanceOf(IdempotencyKeyExpired);
    await expect(payments.get(bob, 'old')).rejects.toBeInstanceOf(IdempotencyKeyExpired);
    expect(banks.SBI.seen.filter((s) => s.startsWith('prepare'))).toHaveLength(1);
  });

  it.each([
    ['page_token', () => ({ size: 0, token: '9999999999999999999' })],
    ['page_token', () => ({ size: 0, token: 'x'.repeat(100_000) })],
    ['page_size', () => ({ size: 1001, token: '' })],
    ['page_size', () => ({ size: -1, token: '' })],
  ])(
    'refuses a bad %s with INVALID_ARGUMENT, quoting at most a short prefix',
    async (field, make) => {
      const { payments } = await setup();
      const { size, token } = make();
      const error = await payments.list(bob, size, token).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidArgument);
      expect(error).toMatchObject({ field });
      expect((error as Error).message.length).toBeLessThan(200);
    },
  );

  it('applies the key rule to GetPayment, before reading anything', async () => {
    const { payments } = await setup();
    const error = await payments.get(bob, 'k'.repeat(1_000_000)).catch((e: unknown) => e);
    expect(error).toMatchObject({ field: 'idempotency_key' });
    expect((error as Error).message.length).toBeLessThan(200);
  });
});
