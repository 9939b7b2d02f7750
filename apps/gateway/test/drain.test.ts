import { createTestDatabase } from '@strife/postgres/testing';
import { AbortReason, OpsServiceDefinition, type Payment, Vote } from '@strife/protocol';
import { PaymentStatus } from '@strife/protocol';
import { createStrifeChannel, createStrifeClient } from '@strife/runtime';
import { SEED_TOTAL, TestSystem } from '@strife/testkit';
import { ClientError, Status } from 'nice-grpc';

/**
 * Draining one of two instances with SIGTERM under load. The lease is 30 s, so anything that
 * finishes sooner than that was handed over by the drained instance, not taken from a dead one.
 */
describe('an instance drained with SIGTERM', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start({
      gateways: 2,
      database: await createTestDatabase('drain'),
      leaseMs: 30_000,
      prepareTimeoutMs: 1000,
      commitTimeoutMs: 1000,
    });
  }, 60_000);

  afterAll(() => system.stop());

  const on = (instance: string) => system.gateway('client', instance);
  const status = () =>
    createStrifeClient(
      OpsServiceDefinition,
      createStrifeChannel(system.cluster.config.gateway.instances[1]!.address, {
        tls: system.cluster.tls('monitor'),
      }),
    ).getStatus({});

  it('finishes its calls, sends new ones elsewhere, and hands its open transactions over at once', async () => {
    const alice = await system.login('alice');
    // A payment to a bank that is down: aborted, with its abort still to deliver, owned by gw1.
    await system.kill('SBI');
    const { payment: stranded } = await on('gw1').pay(
      { idempotencyKey: 'stranded', to: 'SBI:2001', amount: 300n, from: '' },
      alice,
    );
    expect(stranded).toMatchObject({
      status: PaymentStatus.PAYMENT_STATUS_ABORTED,
      abortReason: AbortReason.ABORT_REASON_BANK_UNAVAILABLE,
    });
    expect((await status()).gateway?.open).toEqual([
      expect.objectContaining({ txid: stranded!.txid, owner: 'gw1' }),
    ]);

    // Clients pay through gw1, and go to gw2 with the same key when gw1 answers UNAVAILABLE.
    const answers = new Map<string, Payment>();
    let stop = false;
    let sent = 0;
    const client = async (id: number): Promise<void> => {
      for (let n = 0; !stop; n++) {
        const request = {
          idempotencyKey: `load-${id}-${n}`,
          to: 'ICICI:1002',
          amount: 1n,
          from: '',
        };
        sent++;
        let payment: Payment | undefined;
        try {
          payment = (await on('gw1').pay(request, alice)).payment;
        } catch (err) {
          if (!(err instanceof ClientError) || err.code !== Status.UNAVAILABLE) throw err;
          payment = (await on('gw2').pay(request, alice)).payment;
        }
        answers.set(request.idempotencyKey, payment!);
      }
    };
    const load = Promise.all(Array.from({ length: 6 }, (_, id) => client(id)));
    await system.until(() => Promise.resolve(answers.size >= 30), 'payments through gw1');
    const draining = Date.now();
    await system.kill('gateway-gw1', 'SIGTERM');
    const drainedMs = Date.now() - draining;
    const drained = answers.size;
    await system.until(() => Promise.resolve(answers.size >= drained + 30), 'payments through gw2');
    stop = true;
    await load;

    // Calls under way finish within the 5 s grace; every key got one committed payment.
    expect(drainedMs).toBeLessThan(10_000);
    expect(answers.size).toBe(sent);
    for (const payment of answers.values()) {
      expect(payment.status).toBe(PaymentStatus.PAYMENT_STATUS_COMMITTED);
    }
    // The stranded abort passes to gw2 long before gw1's 30 s lease could run out.
    await system.until(
      async () =>
        (await status()).gateway?.open.some(
          (t) => t.txid === stranded!.txid && t.owner === 'gw2',
        ) ?? false,
      'gw2 to take the stranded transaction over',
      10_000,
    );
    await system.startBank('SBI');
    await system.until(
      async () => (await status()).gateway?.open.length === 0,
      'the abort delivered',
    );
    // SBI has the abort: the prepare it never got, arriving late, is refused.
    await expect(
      system.bank('SBI').prepareCredit({ txid: stranded!.txid, accountNo: '2001', amount: 300n }),
    ).resolves.toMatchObject({ vote: Vote.VOTE_NO });
    for (const [key, payment] of answers) {
      const replay = await on('gw2').pay(
        { idempotencyKey: key, to: 'ICICI:1002', amount: 1n, from: '' },
        alice,
      );
      expect(replay.payment).toEqual(payment);
    }
    await expect(system.books('ICICI:1002')).resolves.toMatchObject({
      balance: 50_000n + BigInt(answers.size),
    });
    await expect(system.total()).resolves.toBe(SEED_TOTAL);
  }, 120_000);
});
