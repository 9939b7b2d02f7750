import { createTestDatabase } from '@strife/postgres/testing';
import { Leg, LegState, type PayResponse, PaymentStatus } from '@strife/protocol';
import { SEED_TOTAL, TestSystem } from '@strife/testkit';
import { Status } from 'nice-grpc';

/**
 * A disk that fails a write (an I/O error, a full disk), injected at each store with an `error`
 * failpoint on its commit: the call fails UNAVAILABLE with a clear message, nothing of it is
 * applied, the process stays up, and service resumes when the fault clears (the failpoints fire
 * on a range of hits and then stop).
 */
describe('storage failures', () => {
  let system: TestSystem | undefined;

  afterEach(async () => {
    await system?.stop();
    system = undefined;
  });

  it('at the gateway: the payment fails UNAVAILABLE, nothing is claimed, and the retry pays once', async () => {
    const s = (system = await TestSystem.start());
    const alice = await s.login('alice');
    await s.kill('gateway');
    await s.startGateway('gateway.store-write:error@1-3');
    const request = { idempotencyKey: 'disk', to: 'SBI:2001', amount: 400n, from: '' };
    const failed = await s
      .gateway()
      .pay(request, await s.login('alice'))
      .catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: Status.UNAVAILABLE });
    expect((failed as Error).message).toContain('storage failed (SQLITE_IOERR_WRITE)');
    await expect(s.gateway().getPayment({ idempotencyKey: 'disk' }, alice)).rejects.toMatchObject({
      code: Status.NOT_FOUND,
    });
    expect(s.process('gateway').alive()).toBe(true);
    // The failed write turns health NOT_SERVING (the next probe write fails too) until a probe
    // write succeeds.
    await s.until(async () => (await s.health('gateway')) === 'NOT_SERVING', 'NOT_SERVING');
    await s.until(async () => (await s.health('gateway')) === 'SERVING', 'a probe write succeeds');
    let answer;
    for (let attempt = 0; attempt < 5 && answer === undefined; attempt++) {
      answer = await s
        .gateway()
        .pay(request, alice)
        .catch(() => undefined);
    }
    expect(answer?.payment?.status).toBe(PaymentStatus.PAYMENT_STATUS_COMMITTED);
    await s.until(async () => (await s.books('SBI:2001')).balance === 80_400n, 'the credit');
    await expect(s.total()).resolves.toBe(SEED_TOTAL);
  });

  it('at a gateway on PostgreSQL: health follows the writes, not reachability', async () => {
    const s = (system = await TestSystem.start({ database: await createTestDatabase('disk') }));
    const alice = await s.login('alice');
    await s.kill('gateway');
    await s.startGateway('gateway.store-write:error@1-3');
    const request = { idempotencyKey: 'pg-disk', to: 'SBI:2001', amount: 400n, from: '' };
    await expect(s.gateway().pay(request, await s.login('alice'))).rejects.toMatchObject({
      code: Status.UNAVAILABLE,
    });
    await expect(
      s.gateway().getPayment({ idempotencyKey: 'pg-disk' }, alice),
    ).rejects.toMatchObject({ code: Status.NOT_FOUND });
    // The database answers SELECT 1 throughout; the failed batch makes the next ping a probe
    // write, which fails too (hit 2), then one succeeds.
    await s.until(async () => (await s.health('gateway')) === 'NOT_SERVING', 'NOT_SERVING');
    await s.until(async () => (await s.health('gateway')) === 'SERVING', 'a probe write succeeds');
    const { payment } = await s.gateway().pay(request, alice);
    expect(payment?.status).toBe(PaymentStatus.PAYMENT_STATUS_COMMITTED);
    await s.until(async () => (await s.books('SBI:2001')).balance === 80_400n, 'the credit');
    await expect(s.total()).resolves.toBe(SEED_TOTAL);
  });

  it('at a bank: its Prepare fails and the payment aborts, holding nothing; later payments work', async () => {
    const s = (system = await TestSystem.start());
    await s.kill('ICICI');
    // The first write fails, and with it the first probe: health stays NOT_SERVING a while.
    await s.startBank('ICICI', 'bank.store-write:error@1-2');
    const alice = await s.login('alice');
    const { payment } = await s
      .gateway()
      .pay({ idempotencyKey: 'bank-disk', to: 'SBI:2001', amount: 300n, from: '' }, alice);
    expect(payment?.status).toBe(PaymentStatus.PAYMENT_STATUS_ABORTED);
    expect(payment?.reason).toContain('storage failed');
    await expect(s.health('ICICI')).resolves.toBe('NOT_SERVING');
    await s.until(async () => (await s.health('ICICI')) === 'SERVING', 'a probe write succeeds');
    await s.until(async () => (await s.books('SBI:2001')).held === 0n, 'nothing held');
    await expect(s.books('ICICI:1001')).resolves.toEqual({ balance: 100_000n, held: 0n });
    const { records } = await s
      .bank('ICICI')
      .listTransactions({ accountNo: '', pageSize: 100, pageToken: '' });
    expect(records.filter((r) => r.txid === payment?.txid && r.leg === Leg.LEG_DEBIT)).toEqual(
      records.filter((r) => r.txid === payment?.txid && r.state === LegState.LEG_STATE_ABORTED),
    );
    expect(s.process('ICICI').alive()).toBe(true);
    const next = await s
      .gateway()
      .pay({ idempotencyKey: 'bank-ok', to: 'SBI:2001', amount: 300n, from: '' }, alice);
    expect(next.payment?.status).toBe(PaymentStatus.PAYMENT_STATUS_COMMITTED);
    await s.until(async () => (await s.books('ICICI:1001')).balance === 99_700n, 'the debit');
    await expect(s.total()).resolves.toBe(SEED_TOTAL);
  });

  it('at the txid service: a new payment is UNAVAILABLE with nothing stored, then goes through', async () => {
    const s = (system = await TestSystem.start());
    await s.kill('gateway');
    await s.kill('txid');
    await s.startTxid('txid.store-write:error@1');
    await s.startGateway();
    const alice = await s.login('alice');
    const request = { idempotencyKey: 'no-ids', to: 'SBI:2001', amount: 100n, from: '' };
    await expect(s.gateway().pay(request, alice)).rejects.toMatchObject({
      code: Status.UNAVAILABLE,
    });
    await expect(s.gateway().getPayment({ idempotencyKey: 'no-ids' }, alice)).rejects.toMatchObject(
      { code: Status.NOT_FOUND },
    );
    expect(s.process('txid').alive()).toBe(true);
    await s.until(async () => (await s.health('txid')) === 'SERVING', 'a probe write succeeds');
    const { payment } = await s.gateway().pay(request, alice);
    expect(payment?.status).toBe(PaymentStatus.PAYMENT_STATUS_COMMITTED);
  });

  it('with the txid service down: new payments are UNAVAILABLE, replays are answered, and it resumes', async () => {
    const s = (system = await TestSystem.start());
    await s.kill('gateway');
    await s.startGateway();
    const alice = await s.login('alice');
    await s.kill('txid');
    const request = { idempotencyKey: 'txid-down', to: 'SBI:2001', amount: 100n, from: '' };
    await expect(s.gateway().pay(request, alice)).rejects.toMatchObject({
      code: Status.UNAVAILABLE,
    });
    await s.startTxid();
    // The gateway redials txid within its reconnect backoff (at most 2 s): UNAVAILABLE until then.
    let first: PayResponse | undefined;
    await s.until(async () => {
      first = await s
        .gateway()
        .pay(request, alice)
        .catch((err: unknown) => {
          if ((err as { code?: Status }).code !== Status.UNAVAILABLE) throw err;
          return undefined;
        });
      return first !== undefined;
    }, 'the gateway leases txids again');
    expect(first?.payment?.status).toBe(PaymentStatus.PAYMENT_STATUS_COMMITTED);
    await s.kill('txid');
    await expect(s.gateway().pay(request, alice)).resolves.toEqual(first);
  });
});
