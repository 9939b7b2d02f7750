import { Coordinator, SqliteDecisionLog } from '@strife/coordinator';
import { IdempotencyKeys, SqliteIdempotencyStore } from '@strife/idempotency';
import { createLogger } from '@strife/runtime';
import { GroupCommit } from '@strife/sqlite';
import { paymentCodec } from '../src/payments/payment';
import { PaymentService } from '../src/payments/paymentService';
import { SqlitePaymentStore } from '../src/payments/paymentStore';
import { openGatewayDb } from '../src/store/gatewayDb';

/** A payment service on in-memory stores whose clock the test moves. */
function setup() {
  const clock = { now: 1_700_000_000_000 };
  const db = openGatewayDb(':memory:');
  const commits = new GroupCommit(db);
  const decisions = SqliteDecisionLog.attach(db, commits);
  const keys = new IdempotencyKeys({
    store: SqliteIdempotencyStore.attach(db, commits),
    codec: paymentCodec,
    now: () => clock.now,
  });
  const store = new SqlitePaymentStore(db, commits);
  const coordinator = new Coordinator({ log: decisions, participants: () => undefined });
  const payments = new PaymentService({
    keys,
    store,
    coordinator,
    decisions,
    nextTxid: () => Promise.resolve(1n),
    banks: new Set(['SBI']),
    prepareTimeoutMs: 1000,
    accountOf: () => Promise.resolve('SBI:2001'),
    logger: createLogger({ name: 'test', level: 'silent' }),
    now: () => clock.now,
  });
  return { clock, keys, store, payments, decisions };
}

const request = { to: 'SBI:2002', amount: '500' };

describe('PaymentService.completeStale', () => {
  it('finishes a key whose attempt outlived the stale time, from the decision log', async () => {
    const { clock, keys, store, payments, decisions } = setup();
    await keys.claim('bob', 'stuck', request);
    await keys.setRecoveryPoint('bob', 'stuck', '77');
    await keys.claim('bob', 'no-txid', request);
    clock.now += 1000;
    await keys.claim('bob', 'fresh', request);
    await keys.setRecoveryPoint('bob', 'fresh', '78');
    clock.now += 1;

    await expect(payments.completeStale(500)).resolves.toBe(1);

    await expect(store.byKey('bob', 'stuck')).resolves.toMatchObject({
      txid: 77n,
      status: 'ABORTED',
      abortReason: 'INTERRUPTED',
      from: 'SBI:2001',
      to: 'SBI:2002',
      amount: 500n,
    });
    await expect(decisions.get(77n)).resolves.toMatchObject({ decision: 'ABORT' });
    const left = (await keys.inFlight()).map((k) => k.key).sort();
    expect(left).toEqual(['fresh', 'no-txid']);
  });
});

describe('PaymentService.pay', () => {
  const bob = {
    username: 'bob',
    bank: 'SBI',
    accountNo: '2001',
    account: 'SBI:2001',
    tokenHash: 'hash',
  };
  const log = { annotate: () => undefined };

  it("answers once the decision is durable, and records it before the user's next read", async () => {
    const { keys, store, payments, decisions } = setup();
    const input = { key: 'k1', to: 'SBI:2002', from: '', amount: 500n };
    const answer = await payments.pay(bob, input, log);

    expect(answer).toMatchObject({ txid: 1n, status: 'ABORTED', abortReason: 'BANK_UNAVAILABLE' });
    await expect(decisions.get(1n)).resolves.toMatchObject({ decision: 'ABORT' });
    // The history row and the key's outcome are still queued for the next batch…
    await expect(store.byKey('bob', 'k1')).resolves.toBeUndefined();
    await expect(keys.get('bob', 'k1')).resolves.toMatchObject({
      state: 'IN_FLIGHT',
      recoveryPoint: '1',
    });
    // …and a read of this user's payments waits for them.
    await expect(payments.get(bob, 'k1')).resolves.toEqual(answer);
    await expect(payments.list(bob, 0, '')).resolves.toEqual({ payments: [answer], next: '' });
    await expect(keys.get('bob', 'k1')).resolves.toMatchObject({ state: 'DONE' });
    await expect(payments.pay(bob, input, log)).resolves.toEqual(answer);
  });
});
