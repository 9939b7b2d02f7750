import { createTestDatabase } from '@strife/postgres/testing';
import { Decision, Leg, LegState, PaymentStatus } from '@strife/protocol';
import { SEED_TOTAL, TestSystem } from '@strife/testkit';
import { Metadata, Status } from 'nice-grpc';

const INSTANCES = ['gw1', 'gw2', 'gw3'] as const;

/** Three gateway instances on one PostgreSQL database, and the usual banks and users. */
describe('three gateway instances sharing one database', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start({
      gateways: 3,
      database: await createTestDatabase('cluster'),
      leaseMs: 1000,
      prepareTimeoutMs: 1000,
      commitTimeoutMs: 1000,
    });
  }, 60_000);

  afterAll(() => system.stop());

  const on = (instance: string) => system.gateway('client', instance);

  it('answers one key sent to three instances at once with one payment, moving money once', async () => {
    const alice = await system.login('alice');
    const request = { idempotencyKey: 'everywhere', to: 'SBI:2002', amount: 700n, from: '' };
    const answers = await Promise.all(INSTANCES.map((i) => on(i).pay(request, alice)));
    const [first] = answers;
    expect(first?.payment?.status).toBe(PaymentStatus.PAYMENT_STATUS_COMMITTED);
    for (const answer of answers) expect(answer).toEqual(first);
    for (const instance of INSTANCES) {
      await expect(on(instance).pay(request, alice)).resolves.toEqual(first);
      await expect(
        on(instance).getPayment({ idempotencyKey: 'everywhere' }, alice),
      ).resolves.toEqual(first);
    }
    await system.until(async () => (await system.books('SBI:2002')).balance === 10_700n, 'credit');
    await expect(system.books('ICICI:1001')).resolves.toMatchObject({ balance: 99_300n, held: 0n });
    await expect(system.total()).resolves.toBe(SEED_TOTAL);
  });

  it('refuses a mismatched retry on every instance, naming the field', async () => {
    const bob = await system.login('bob');
    const request = { idempotencyKey: 'mismatch', to: 'ICICI:1002', amount: 100n, from: '' };
    await on('gw1').pay(request, bob);
    for (const instance of INSTANCES) {
      await expect(on(instance).pay({ ...request, amount: 101n }, bob)).rejects.toMatchObject({
        code: Status.INVALID_ARGUMENT,
        details: expect.stringContaining('(amount differs)') as unknown,
      });
    }
  });

  it('honours a session from any instance everywhere, and a logout on one everywhere at once', async () => {
    const { token } = await on('gw1').login({ username: 'carol', password: 'carol-pass-1' });
    const session = { metadata: Metadata({ authorization: `Bearer ${token}` }) };
    for (const instance of INSTANCES) {
      await expect(on(instance).getBalance({ account: '' }, session)).resolves.toMatchObject({
        account: 'ICICI:1002',
      });
    }
    await on('gw2').logout({}, session);
    for (const instance of INSTANCES) {
      await expect(on(instance).getBalance({ account: '' }, session)).rejects.toMatchObject({
        code: Status.UNAUTHENTICATED,
      });
    }
  });

  it('keeps a username unique across instances; the same registration everywhere is one account', async () => {
    const request = {
      username: 'frank',
      password: 'frank-pass-1',
      bank: 'SBI',
      initialDeposit: 0n,
    };
    const same = await Promise.all(INSTANCES.map((i) => on(i).register(request)));
    expect(new Set(same.map((r) => r.account)).size).toBe(1);
    const rivals = await Promise.allSettled(
      INSTANCES.map((i, n) =>
        on(i).register({ ...request, username: 'gina', password: `gina-pass-${n}` }),
      ),
    );
    expect(rivals.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of rivals.filter((r) => r.status === 'rejected')) {
      expect(r.reason).toMatchObject({ code: Status.ALREADY_EXISTS });
    }
  });

  it('counts wrong passwords across instances: a burst on three gets five checked', async () => {
    const burst = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        on(INSTANCES[i % 3]!).login({ username: 'dave', password: `guess-${i}-xx` }),
      ),
    );
    const codes = burst.map((r) =>
      r.status === 'rejected' ? (r.reason as { code: Status }).code : -1,
    );
    expect(codes.filter((c) => c === Status.UNAUTHENTICATED)).toHaveLength(5);
    expect(codes.filter((c) => c === Status.RESOURCE_EXHAUSTED)).toHaveLength(25);
  });

  it('answers a bank’s in-doubt question from any instance with the shared decision', async () => {
    const bob = await system.login('bob');
    const { payment } = await on('gw3').pay(
      { idempotencyKey: 'ask-anyone', to: 'ICICI:1001', amount: 5n, from: '' },
      bob,
    );
    for (const instance of INSTANCES) {
      const coordinator = system.gatewayCoordinator(instance, 'bank-SBI');
      await expect(coordinator.resolveTransaction({ txid: payment!.txid })).resolves.toEqual({
        decision: Decision.DECISION_COMMIT,
      });
    }
  });

  it.each([
    ['gateway.after-initiated', PaymentStatus.PAYMENT_STATUS_COMMITTED],
    ['gateway.after-votes', PaymentStatus.PAYMENT_STATUS_COMMITTED],
    ['gateway.after-decision', PaymentStatus.PAYMENT_STATUS_COMMITTED],
    ['gateway.after-ack', PaymentStatus.PAYMENT_STATUS_COMMITTED],
  ])(
    'finishes the payment of an instance killed at %s on a survivor, which the retry then gets',
    async (failpoint, status) => {
      await system.kill('gateway-gw1');
      await system.startGateway(`${failpoint}:exit`, 'gateway-gw1');
      // This client's channel to gw1 may still be backing off from the restart: wait until it
      // reaches the new gw1 (a login decides nothing, so the failpoint stays armed).
      await system.until(
        () =>
          on('gw1')
            .login({ username: 'alice', password: 'alice-pass-1' })
            .then(
              () => true,
              () => false,
            ),
        'the new gw1 to be reachable',
      );
      const alice = await system.login('alice');
      const key = `killed-${failpoint}`;
      const request = { idempotencyKey: key, to: 'SBI:2001', amount: 300n, from: '' };
      const before = (await system.books('SBI:2001')).balance;
      // The answer goes out at the decision: an instance that dies in phase 2 has answered.
      const first = on('gw1').pay(request, alice);
      if (failpoint === 'gateway.after-ack') {
        await expect(first).resolves.toMatchObject({ payment: { status } });
      } else {
        await expect(first).rejects.toMatchObject({ code: Status.UNAVAILABLE });
      }
      await expect(system.process('gateway-gw1').exited).resolves.toMatchObject({
        signal: 'SIGKILL',
      });
      system.processes.delete('gateway-gw1');
      // gw1 stays dead: a survivor takes over once the lease (1 s) runs out, and finishes the
      // payment within lease + prepare timeout + commit timeout (plus a takeover round).
      let txid = 0n;
      await system.until(
        async () => {
          const found = await on('gw2').getPayment({ idempotencyKey: key }, alice);
          txid = found.payment?.txid ?? 0n;
          const credit = await legStateAt(system, 'SBI', txid, Leg.LEG_CREDIT);
          return found.payment?.status === status && credit === LegState.LEG_STATE_COMMITTED;
        },
        'a survivor to finish the payment',
        1000 + 500 + 1000 + 1000 + 1500,
      );
      const answer = await on('gw2').pay(request, alice);
      expect(answer.payment).toMatchObject({ status, txid });
      await expect(system.books('SBI:2001')).resolves.toMatchObject({ balance: before + 300n });
      await expect(on('gw3').pay(request, alice)).resolves.toEqual(answer);
      await expect(system.total()).resolves.toBe(SEED_TOTAL + 0n);
      await system.startGateway(undefined, 'gateway-gw1');
    },
    60_000,
  );

  it('lets a survivor finish the payment of an instance paused past its lease; the paused one then gives the same answer', async () => {
    await system.kill('gateway-gw1');
    // gw1 waits 5 s after the votes: long enough to be caught there and paused.
    await system.startGateway('gateway.after-votes:delay=5000', 'gateway-gw1');
    await system.until(
      () =>
        on('gw1')
          .login({ username: 'bob', password: 'bob-pass-1' })
          .then(
            () => true,
            () => false,
          ),
      'the new gw1 to be reachable',
    );
    const bob = await system.login('bob');
    const request = { idempotencyKey: 'paused', to: 'ICICI:1002', amount: 400n, from: '' };
    const before = (await system.books('ICICI:1002')).balance;
    const first = on('gw1')
      .pay(request, { ...bob, deadline: new Date(Date.now() + 60_000) })
      .then(
        (answer) => ({ answer }),
        (error: unknown) => ({ error }),
      );
    let txid = 0n;
    await system.until(async () => {
      txid = await on('gw2')
        .getPayment({ idempotencyKey: 'paused' }, bob)
        .then(
          ({ payment }) => payment?.txid ?? 0n,
          () => 0n,
        );
      return (
        txid > 0n &&
        (await legStateAt(system, 'ICICI', txid, Leg.LEG_CREDIT)) === LegState.LEG_STATE_PREPARED
      );
    }, 'gw1 to have the votes');
    const { pid } = system.process('gateway-gw1');
    process.kill(pid, 'SIGSTOP');
    try {
      await system.until(
        async () =>
          (await on('gw2').getPayment({ idempotencyKey: 'paused' }, bob)).payment?.status ===
            PaymentStatus.PAYMENT_STATUS_COMMITTED &&
          (await legStateAt(system, 'ICICI', txid, Leg.LEG_CREDIT)) ===
            LegState.LEG_STATE_COMMITTED,
        'a survivor to finish the paused payment',
        10_000,
      );
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const survivor = await on('gw3').pay(request, bob);
    expect(survivor.payment).toMatchObject({
      status: PaymentStatus.PAYMENT_STATUS_COMMITTED,
      txid,
    });
    // The paused instance wakes with a lease it lost and its own COMMIT to write: it finds the
    // decision on record and answers that.
    await expect(first).resolves.toEqual({ answer: survivor });
    await expect(on('gw1').pay(request, bob)).resolves.toEqual(survivor);
    await expect(system.books('ICICI:1002')).resolves.toEqual({ balance: before + 400n, held: 0n });
    await expect(system.total()).resolves.toBe(SEED_TOTAL);
    await system.kill('gateway-gw1');
    await system.startGateway(undefined, 'gateway-gw1');
  }, 60_000);
});

async function legStateAt(
  s: TestSystem,
  bank: string,
  txid: bigint,
  leg: Leg,
): Promise<LegState | undefined> {
  const { records } = await s
    .bank(bank)
    .listTransactions({ accountNo: '', pageSize: 1000, pageToken: '' });
  return records.find((r) => r.txid === txid && r.leg === leg)?.state;
}
