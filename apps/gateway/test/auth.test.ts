import { Decision } from '@strife/protocol';
import { Metadata, Status } from 'nice-grpc';
import { SEED_TOTAL, TestSystem } from '@strife/testkit';

describe('authentication and authorization', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start();
  });

  afterAll(async () => {
    await system.stop();
  });

  /** Every protected RPC, called with `options`. */
  function protectedCalls(options: { metadata?: Metadata }) {
    const gateway = system.gateway();
    return {
      logout: () => gateway.logout({}, options),
      getBalance: () => gateway.getBalance({ account: '' }, options),
      pay: () =>
        gateway.pay({ idempotencyKey: 'k', to: 'SBI:2001', amount: 1n, from: '' }, options),
      getPayment: () => gateway.getPayment({ idempotencyKey: 'k' }, options),
      listPayments: () => gateway.listPayments({ pageSize: 0, pageToken: '' }, options),
    };
  }

  it('refuses every protected RPC without a token, with a bad one, and with a revoked one', async () => {
    const alice = await system.login('alice');
    await system.gateway().logout({}, alice);
    const cases = [
      {},
      { metadata: Metadata({ authorization: 'Bearer not-a-real-token' }) },
      { metadata: Metadata({ authorization: 'Basic YWxpY2U6cHc=' }) },
      alice,
    ];
    for (const options of cases) {
      const codes = await Promise.all(
        Object.entries(protectedCalls(options)).map(async ([name, call]) => [
          name,
          await call().then(
            () => 'OK',
            (err: unknown) => Status[(err as { code: Status }).code],
          ),
        ]),
      );
      expect(Object.fromEntries(codes)).toEqual({
        logout: 'UNAUTHENTICATED',
        getBalance: 'UNAUTHENTICATED',
        pay: 'UNAUTHENTICATED',
        getPayment: 'UNAUTHENTICATED',
        listPayments: 'UNAUTHENTICATED',
      });
    }
    await expect(system.total()).resolves.toBe(SEED_TOTAL);
  });

  it("refuses another user's account with PERMISSION_DENIED", async () => {
    const alice = await system.login('alice');
    const gateway = system.gateway();
    await expect(gateway.getBalance({ account: 'SBI:2001' }, alice)).rejects.toMatchObject({
      code: Status.PERMISSION_DENIED,
    });
    await expect(
      gateway.pay(
        { idempotencyKey: 'steal', to: 'ICICI:1001', amount: 100n, from: 'SBI:2001' },
        alice,
      ),
    ).rejects.toMatchObject({ code: Status.PERMISSION_DENIED });
    await expect(gateway.getBalance({ account: 'ICICI:1001' }, alice)).resolves.toMatchObject({
      balance: 100_000n,
    });
    await expect(gateway.getPayment({ idempotencyKey: 'steal' }, alice)).rejects.toMatchObject({
      code: Status.NOT_FOUND,
    });
    await expect(system.total()).resolves.toBe(SEED_TOTAL);
  });

  it.each([
    ['a zero amount', { to: 'SBI:2001', amount: 0n }, 'amount: must be greater than zero'],
    ['a negative amount', { to: 'SBI:2001', amount: -500n }, 'amount: must be greater than zero'],
    [
      'an overflowed amount (int64 minimum, what 2^63 wraps to)',
      { to: 'SBI:2001', amount: -(2n ** 63n) },
      'amount: must be greater than zero',
    ],
    [
      'a malformed account',
      { to: 'SBI-2001', amount: 1n },
      'to: "SBI-2001" is not an account like SBI:2001',
    ],
    ['an unknown bank', { to: 'HDFC:1', amount: 1n }, 'to: unknown bank HDFC'],
    [
      "the payer's own account",
      { to: 'ICICI:1001', amount: 1n },
      'to: cannot pay your own account',
    ],
    [
      'an empty key',
      { to: 'SBI:2001', amount: 1n, idempotencyKey: '' },
      'idempotency_key: must be 1 to 255 characters',
    ],
  ])('refuses %s with INVALID_ARGUMENT and changes nothing', async (_what, request, message) => {
    const alice = await system.login('alice');
    await expect(
      system.gateway().pay({ idempotencyKey: 'bad-input', from: '', ...request }, alice),
    ).rejects.toMatchObject({
      code: Status.INVALID_ARGUMENT,
      details: expect.stringContaining(message) as unknown,
    });
    await expect(system.total()).resolves.toBe(SEED_TOTAL);
  });

  it('lets a key refused for bad input be used again once the input is fixed', async () => {
    const alice = await system.login('alice');
    const answer = await system
      .gateway()
      .pay({ idempotencyKey: 'bad-input', to: 'SBI:2002', amount: 1n, from: '' }, alice);
    expect(answer.payment?.amount).toBe(1n);
  });

  it('refuses a duplicate username and bad registrations', async () => {
    const gateway = system.gateway();
    await expect(
      gateway.register({
        username: 'bob',
        password: 'another-pass',
        bank: 'ICICI',
        initialDeposit: 0n,
      }),
    ).rejects.toMatchObject({ code: Status.ALREADY_EXISTS });
    await expect(
      gateway.register({ username: 'zed', password: 'short', bank: 'SBI', initialDeposit: 0n }),
    ).rejects.toMatchObject({
      code: Status.INVALID_ARGUMENT,
      details: 'password: must be 8 to 128 characters',
    });
    await expect(
      gateway.register({
        username: 'zed',
        password: 'long-enough',
        bank: 'HDFC',
        initialDeposit: 0n,
      }),
    ).rejects.toMatchObject({
      code: Status.INVALID_ARGUMENT,
      details: expect.stringContaining('bank: "HDFC"') as unknown,
    });
    await expect(
      gateway.register({
        username: 'zed',
        password: 'long-enough',
        bank: 'SBI',
        initialDeposit: -1n,
      }),
    ).rejects.toMatchObject({ code: Status.INVALID_ARGUMENT });
    await expect(gateway.login({ username: 'zed', password: 'long-enough' })).rejects.toMatchObject(
      {
        code: Status.UNAUTHENTICATED,
      },
    );
  });

  it('answers a wrong password and an unknown user alike', async () => {
    const gateway = system.gateway();
    const wrong = gateway
      .login({ username: 'dave', password: 'nope-nope' })
      .catch((e: unknown) => e);
    const unknown = gateway
      .login({ username: 'nobody-here', password: 'nope-nope' })
      .catch((e: unknown) => e);
    const [a, b] = await Promise.all([wrong, unknown]);
    expect(a).toMatchObject({
      code: Status.UNAUTHENTICATED,
      details: 'invalid username or password',
    });
    expect(b).toMatchObject({
      code: Status.UNAUTHENTICATED,
      details: 'invalid username or password',
    });
  });

  it('throttles a username after 5 failed logins, even with the right password', async () => {
    const gateway = system.gateway();
    for (let i = 0; i < 5; i++) {
      await expect(
        gateway.login({ username: 'carol', password: `wrong-${i}-pass` }),
      ).rejects.toMatchObject({
        code: Status.UNAUTHENTICATED,
      });
    }
    await expect(
      gateway.login({ username: 'carol', password: 'carol-pass-1' }),
    ).rejects.toMatchObject({
      code: Status.RESOURCE_EXHAUSTED,
    });
    for (let i = 0; i < 5; i++) {
      await gateway
        .login({ username: 'ghost', password: `wrong-${i}-pass` })
        .catch(() => undefined);
    }
    await expect(gateway.login({ username: 'ghost', password: 'x-x-x-x-x' })).rejects.toMatchObject(
      {
        code: Status.RESOURCE_EXHAUSTED,
      },
    );
    await expect(system.login('bob')).resolves.toBeDefined();
  });

  it("answers a bank's in-doubt question only about transactions it takes part in", async () => {
    const alice = await system.login('alice');
    const { payment } = await system
      .gateway()
      .pay({ idempotencyKey: 'within-icici', to: 'ICICI:1002', amount: 1n, from: '' }, alice);
    await expect(
      system.coordinator('bank-SBI').resolveTransaction({ txid: payment!.txid }),
    ).rejects.toMatchObject({
      code: Status.PERMISSION_DENIED,
    });
    await expect(
      system.coordinator('bank-ICICI').resolveTransaction({ txid: payment!.txid }),
    ).resolves.toEqual({
      decision: Decision.DECISION_COMMIT,
    });
  });

  it('serves client RPCs only to client certificates and ResolveTransaction only to banks', async () => {
    await expect(
      system.gateway('bank-SBI').login({ username: 'bob', password: 'bob-pass-1' }),
    ).rejects.toMatchObject({
      code: Status.PERMISSION_DENIED,
    });
    await expect(
      system.gateway('gateway').login({ username: 'bob', password: 'bob-pass-1' }),
    ).rejects.toMatchObject({
      code: Status.PERMISSION_DENIED,
    });
    await expect(
      system.coordinator('client').resolveTransaction({ txid: 1n }),
    ).rejects.toMatchObject({
      code: Status.PERMISSION_DENIED,
    });
  });
});
