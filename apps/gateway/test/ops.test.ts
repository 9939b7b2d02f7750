import { request } from 'node:https';
import { Decision, LegState, OpsServiceDefinition, PaymentStatus } from '@strife/protocol';
import { createStrifeChannel, createStrifeClient, type TlsMaterial } from '@strife/runtime';
import { SEED_TOTAL, TestSystem } from '@strife/testkit';
import { Status } from 'nice-grpc';

/** GET https://address/path with `tls` as the client certificate (none when undefined). */
function scrape(
  address: string,
  tls: TlsMaterial | undefined,
): Promise<{ status: number; body: string }> {
  const [host, port] = address.split(':') as [string, string];
  return new Promise((resolve, reject) => {
    const call = request(
      {
        host,
        port: Number(port),
        path: '/metrics',
        ca: tls?.ca,
        ...(tls ? { key: tls.key, cert: tls.cert } : {}),
        rejectUnauthorized: tls !== undefined,
      },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    call.on('error', reject);
    call.end();
  });
}

/** The value of one series line, e.g. `strife_x{a="b"}`; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('operating Strife: metrics and the ops API', () => {
  let system: TestSystem;
  const txids: bigint[] = [];

  beforeAll(async () => {
    system = await TestSystem.start({ metrics: true });
    const alice = await system.login('alice');
    const gateway = system.gateway();
    const pays = [
      { idempotencyKey: 'm1', to: 'SBI:2001', amount: 100n, from: '' },
      { idempotencyKey: 'm2', to: 'ICICI:1002', amount: 200n, from: '' },
      { idempotencyKey: 'm3', to: 'SBI:2002', amount: 10_000_000n, from: '' },
    ];
    for (const pay of pays) txids.push((await gateway.pay(pay, alice)).payment!.txid);
    await system.until(async () => (await system.books('SBI:2001')).balance === 80_100n, 'credit');
  });

  afterAll(() => system.stop());

  const ops = (address: string, identity: string) =>
    createStrifeClient(
      OpsServiceDefinition,
      createStrifeChannel(address, { tls: system.cluster.tls(identity) }),
    );
  it('counts the payments and calls it served, for a monitor', async () => {
    const gateway = system.cluster.config.gateway.instances[0]!;
    const { status, body } = await scrape(gateway.metricsAddress!, system.cluster.tls('monitor'));
    expect(status).toBe(200);
    expect(
      sample(
        body,
        'strife_payments_decided_total{decision="COMMIT",cause="",service="gateway",instance="gateway"}',
      ),
    ).toBe(2);
    expect(
      sample(
        body,
        'strife_payments_decided_total{decision="ABORT",cause="VOTED_NO",service="gateway",instance="gateway"}',
      ),
    ).toBe(1);
    expect(
      sample(
        body,
        'strife_grpc_calls_total{grpc_service="strife.v1.GatewayService",grpc_method="Pay",code="OK",service="gateway",instance="gateway"}',
      ),
    ).toBe(3);
    expect(body).toContain('strife_group_commit_writes_bucket');
    expect(body).toContain('strife_process_nodejs_eventloop_lag_seconds');
  });

  it('shows each bank’s money as its books have it', async () => {
    for (const bank of system.cluster.config.banks) {
      const { body } = await scrape(bank.metricsAddress!, system.cluster.tls('monitor'));
      const { account } = await system
        .bank(bank.name)
        .getAccount({ accountNo: bank.name === 'SBI' ? '2001' : '1001' });
      expect(account).toBeDefined();
      expect(
        sample(body, `strife_bank_prepared_legs{service="bank",instance="${bank.name}"}`),
      ).toBe(0);
      expect(
        sample(body, `strife_bank_held_minor_units{service="bank",instance="${bank.name}"}`),
      ).toBe(0);
    }
    const total = await Promise.all(
      system.cluster.config.banks.map(async (bank) => {
        const { body } = await scrape(bank.metricsAddress!, system.cluster.tls('monitor'));
        return (
          sample(body, `strife_bank_balance_minor_units{service="bank",instance="${bank.name}"}`) ??
          0
        );
      }),
    );
    expect(BigInt(total.reduce((a, b) => a + b, 0))).toBe(SEED_TOTAL);
  });

  it('refuses metrics to every role but monitor, and to a connection without a certificate', async () => {
    const address = system.cluster.config.txid.metricsAddress!;
    await expect(scrape(address, system.cluster.tls('monitor'))).resolves.toMatchObject({
      status: 200,
    });
    for (const identity of ['client', 'gateway', 'bank-SBI']) {
      await expect(scrape(address, system.cluster.tls(identity))).resolves.toMatchObject({
        status: 403,
      });
    }
    await expect(scrape(address, undefined)).rejects.toThrow();
  });

  it('describes the gateway, each bank and the txid service to a monitor', async () => {
    const gatewayStatus = await ops(
      system.cluster.config.gateway.instances[0]!.address,
      'monitor',
    ).getStatus({});
    expect(gatewayStatus).toMatchObject({ service: 'gateway', name: 'gateway', serving: true });
    expect(gatewayStatus.gateway?.backend).toBe('sqlite');
    expect(gatewayStatus.gateway?.recent.map((d) => d.txid)).toEqual(expect.arrayContaining(txids));
    expect(gatewayStatus.gateway?.stuck).toEqual([]);
    for (const bank of system.cluster.config.banks) {
      const { bank: status } = await ops(bank.address, 'monitor').getStatus({});
      const books = await Promise.all(
        (bank.name === 'SBI' ? ['2001', '2002'] : ['1001', '1002']).map((a) =>
          system.books(`${bank.name}:${a}`),
        ),
      );
      expect(status).toMatchObject({
        accounts: 2n,
        totalBalance: books.reduce((sum, b) => sum + b.balance, 0n),
        totalHeld: 0n,
        preparedCount: 0,
      });
    }
    const txid = await ops(system.cluster.config.txid.address, 'monitor').getStatus({});
    expect(txid.txid?.highWater).toBeGreaterThan(txids.at(-1)!);
  });

  it('finds one payment and its legs at the gateway and at each bank', async () => {
    const gateway = ops(system.cluster.config.gateway.instances[0]!.address, 'monitor');
    const byTxid = await gateway.lookupPayment({
      txid: txids[0]!,
      username: '',
      idempotencyKey: '',
    });
    expect(byTxid).toMatchObject({
      username: 'alice',
      payment: { idempotencyKey: 'm1', status: PaymentStatus.PAYMENT_STATUS_COMMITTED },
      transaction: { state: 'DONE', decision: Decision.DECISION_COMMIT },
    });
    const byKey = await gateway.lookupPayment({
      txid: 0n,
      username: 'alice',
      idempotencyKey: 'm1',
    });
    expect(byKey.transaction?.txid).toBe(txids[0]);
    const byKeyAlone = await gateway.lookupPayment({
      txid: 0n,
      username: '',
      idempotencyKey: 'm1',
    });
    expect(byKeyAlone).toMatchObject({ username: 'alice', payment: { txid: txids[0] } });
    for (const bank of system.cluster.config.banks) {
      const { legs } = await ops(bank.address, 'monitor').lookupPayment({
        txid: txids[0]!,
        username: '',
        idempotencyKey: '',
      });
      expect(legs.map((l) => l.state)).toEqual([LegState.LEG_STATE_COMMITTED]);
    }
  });

  it('finds a payment by key alone only while one user has used the key', async () => {
    const gateway = ops(system.cluster.config.gateway.instances[0]!.address, 'monitor');
    const lookup = (idempotencyKey: string) =>
      gateway.lookupPayment({ txid: 0n, username: '', idempotencyKey });
    await expect(lookup('never-used')).rejects.toMatchObject({ code: Status.NOT_FOUND });
    const bob = await system.login('bob');
    const pay = { idempotencyKey: 'm2', to: 'SBI:2002', amount: 100n, from: '' };
    const { payment } = await system.gateway().pay(pay, bob);
    await expect(lookup('m2')).rejects.toMatchObject({
      code: Status.INVALID_ARGUMENT,
      details: expect.stringContaining('username') as unknown,
    });
    await expect(
      gateway.lookupPayment({ txid: 0n, username: 'bob', idempotencyKey: 'm2' }),
    ).resolves.toMatchObject({ username: 'bob', payment: { txid: payment!.txid } });
  });

  it('refuses the ops API to clients, banks and gateways', async () => {
    for (const identity of ['client', 'bank-SBI']) {
      await expect(
        ops(system.cluster.config.gateway.instances[0]!.address, identity).getStatus({}),
      ).rejects.toMatchObject({
        code: Status.PERMISSION_DENIED,
      });
    }
    await expect(
      ops(system.cluster.config.banks[0]!.address, 'gateway').getStatus({}),
    ).rejects.toMatchObject({
      code: Status.PERMISSION_DENIED,
    });
  });
});
