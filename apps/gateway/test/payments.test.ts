import { AbortReason, PaymentStatus } from '@strife/protocol';
import { type Metadata, Status } from 'nice-grpc';
import { SEED_TOTAL, TestSystem } from '@strife/testkit';

/** Collects the `x-request-id` response header of each call given `onHeader`. */
function headerIds(): { onHeader: (header: Metadata) => void; ids: (string | undefined)[] } {
  const ids: (string | undefined)[] = [];
  return { onHeader: (header) => ids.push(header.get('x-request-id')), ids };
}

describe('payments through the gateway', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start();
  });

  afterAll(async () => {
    await system.stop();
  });

  it('registers, logs in, pays across banks, and shows balances and history', async () => {
    const gateway = system.gateway();
    const registered = await gateway.register({
      username: 'erin',
      password: 'erin-pass-1',
      bank: 'SBI',
      initialDeposit: 5000n,
    });
    expect(registered.account).toMatch(/^SBI:\d+$/);
    const erin = await system.login('erin');
    await expect(gateway.getBalance({ account: '' }, erin)).resolves.toEqual({
      account: registered.account,
      balance: 5000n,
      available: 5000n,
    });

    const { payment } = await gateway.pay(
      { idempotencyKey: 'erin-1', to: 'ICICI:1001', amount: 1250n, from: '' },
      erin,
    );
    expect(payment).toMatchObject({
      idempotencyKey: 'erin-1',
      status: PaymentStatus.PAYMENT_STATUS_COMMITTED,
      from: registered.account,
      to: 'ICICI:1001',
      amount: 1250n,
      reason: '',
    });
    expect(payment!.txid > 0n).toBe(true);
    await system.until(
      async () => (await system.books('ICICI:1001')).balance === 101_250n,
      'credit at ICICI',
    );
    await expect(system.books(registered.account)).resolves.toEqual({ balance: 3750n, held: 0n });

    await expect(gateway.getPayment({ idempotencyKey: 'erin-1' }, erin)).resolves.toEqual({
      payment,
    });
    const history = await gateway.listPayments({ pageSize: 0, pageToken: '' }, erin);
    expect(history.payments).toEqual([payment]);
    await expect(system.total()).resolves.toBe(SEED_TOTAL + 1250n);
  });

  it('ties every log line of a payment to its request id, at the gateway and at both banks', async () => {
    const alice = await system.login('alice');
    alice.metadata.set('x-request-id', 'req-trace-1');
    let echoed: string | undefined;
    const { payment } = await system
      .gateway()
      .pay(
        { idempotencyKey: 'traced', to: 'SBI:2001', amount: 1n, from: '' },
        { ...alice, onHeader: (header) => (echoed = header.get('x-request-id')) },
      );
    alice.metadata.delete('x-request-id');
    expect(echoed).toBe('req-trace-1');
    const txid = payment!.txid.toString();
    const lines = (name: string) =>
      system
        .process(name)
        .output()
        .split('\n')
        .filter((l) => l.includes('req-trace-1'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    // Each bank logs the leg's prepare and its commit (the commit may land after the answer).
    await system.until(
      () => Promise.resolve(lines('SBI').length >= 2 && lines('ICICI').length >= 2),
      'both legs prepared and committed at both banks',
    );
    const gatewayLines = lines('gateway');
    expect(gatewayLines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ msg: 'call', key: 'traced', txid }),
        expect.objectContaining({ msg: '2pc DECIDED', txid }),
      ]),
    );
    for (const bank of ['ICICI', 'SBI']) {
      const legs = lines(bank);
      expect(legs.map((l) => l.vote ?? 'commit')).toEqual(['YES', 'commit']);
      for (const line of legs) expect(line).toMatchObject({ txid, requestId: 'req-trace-1' });
    }
    // Without one, the gateway makes one up and says which.
    const { onHeader, ids } = headerIds();
    await system
      .gateway()
      .getBalance({ account: '' }, { ...(await system.login('bob')), onHeader });
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('pays within one bank as one participant', async () => {
    const alice = await system.login('alice');
    const before = await system.books('ICICI:1002');
    const { payment } = await system
      .gateway()
      .pay({ idempotencyKey: 'same-bank', to: 'ICICI:1002', amount: 100n, from: '' }, alice);
    expect(payment?.status).toBe(PaymentStatus.PAYMENT_STATUS_COMMITTED);
    await system.until(
      async () => (await system.books('ICICI:1002')).balance === before.balance + 100n,
      'credit',
    );
  });

  it('aborts a payment the payer cannot afford, naming the reason, and moves nothing', async () => {
    const dave = await system.login('dave');
    const total = await system.total();
    const { payment } = await system
      .gateway()
      .pay({ idempotencyKey: 'too-much', to: 'ICICI:1001', amount: 10_000_000n, from: '' }, dave);
    expect(payment).toMatchObject({
      status: PaymentStatus.PAYMENT_STATUS_ABORTED,
      abortReason: AbortReason.ABORT_REASON_INSUFFICIENT_FUNDS,
    });
    expect(payment?.reason).toMatch(/insufficient funds/);
    await expect(system.books('SBI:2002')).resolves.toEqual({ balance: 10_000n, held: 0n });
    await expect(system.total()).resolves.toBe(total);
  });

  it('aborts a payment to an account the payee bank does not have', async () => {
    const bob = await system.login('bob');
    const { payment } = await system
      .gateway()
      .pay({ idempotencyKey: 'nobody', to: 'ICICI:9999', amount: 100n, from: '' }, bob);
    expect(payment).toMatchObject({
      status: PaymentStatus.PAYMENT_STATUS_ABORTED,
      abortReason: AbortReason.ABORT_REASON_UNKNOWN_ACCOUNT,
    });
    await system.until(async () => (await system.books('SBI:2001')).held === 0n, 'hold released');
  });

  it('moves money once for one key sent 50 times, sequentially and concurrently, with identical answers', async () => {
    const carol = await system.login('carol');
    const gateway = system.gateway();
    const request = { idempotencyKey: 'carol-once', to: 'SBI:2002', amount: 700n, from: '' };
    const before = {
      payer: await system.books('ICICI:1002'),
      payee: await system.books('SBI:2002'),
    };
    const sequential = [];
    for (let i = 0; i < 25; i++) sequential.push(await gateway.pay(request, carol));
    const concurrent = await Promise.all(
      Array.from({ length: 25 }, () => gateway.pay(request, carol)),
    );
    const answers = [...sequential, ...concurrent];
    expect(
      new Set(
        answers.map((a) =>
          JSON.stringify(a, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
        ),
      ).size,
    ).toBe(1);
    expect(answers[0]?.payment?.status).toBe(PaymentStatus.PAYMENT_STATUS_COMMITTED);
    await system.until(
      async () => (await system.books('SBI:2002')).balance === before.payee.balance + 700n,
      'credit',
    );
    await expect(system.books('ICICI:1002')).resolves.toEqual({
      balance: before.payer.balance - 700n,
      held: 0n,
    });
  });

  it('refuses the same key with a different amount, naming it, and moves nothing', async () => {
    const carol = await system.login('carol');
    const total = await system.total();
    await expect(
      system
        .gateway()
        .pay({ idempotencyKey: 'carol-once', to: 'SBI:2002', amount: 701n, from: '' }, carol),
    ).rejects.toMatchObject({
      code: Status.INVALID_ARGUMENT,
      details: expect.stringContaining('(amount differs)') as unknown,
    });
    await expect(system.total()).resolves.toBe(total);
  });

  it('keeps 20 concurrent payments that overdraw within the balance, each answer matching the books', async () => {
    const bob = await system.login('bob');
    const gateway = system.gateway();
    const payer = await system.books('SBI:2001');
    const total = await system.total();
    const amount = payer.balance / 10n + 1n;
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        gateway.pay(
          {
            idempotencyKey: `bob-burst-${i}`,
            to: i % 2 ? 'ICICI:1001' : 'ICICI:1002',
            amount,
            from: '',
          },
          bob,
        ),
      ),
    );
    const committed = answers.filter(
      (a) => a.payment?.status === PaymentStatus.PAYMENT_STATUS_COMMITTED,
    ).length;
    expect(committed).toBeLessThanOrEqual(9);
    expect(committed).toBeGreaterThan(0);
    for (const a of answers) {
      if (a.payment?.status === PaymentStatus.PAYMENT_STATUS_ABORTED) {
        expect(a.payment.abortReason).toBe(AbortReason.ABORT_REASON_INSUFFICIENT_FUNDS);
      }
    }
    await system.until(async () => (await system.total()) === total, 'credits to land');
    const after = await system.books('SBI:2001');
    expect(after).toEqual({ balance: payer.balance - BigInt(committed) * amount, held: 0n });
    expect(after.balance >= 0n).toBe(true);
  });

  it('pages history newest first', async () => {
    const bob = await system.login('bob');
    const gateway = system.gateway();
    const first = await gateway.listPayments({ pageSize: 5, pageToken: '' }, bob);
    const second = await gateway.listPayments({ pageSize: 5, pageToken: first.nextPageToken }, bob);
    const txids = [...first.payments, ...second.payments].map((p) => p.txid);
    expect(txids).toHaveLength(10);
    expect(txids).toEqual([...txids].sort((a, b) => (a > b ? -1 : 1)));
  });
});
