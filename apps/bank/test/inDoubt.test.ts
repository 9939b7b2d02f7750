import {
  BankServiceDefinition,
  CoordinatorServiceDefinition,
  Decision,
  LegState,
} from '@strife/protocol';
import {
  createLogger,
  createStrifeChannel,
  createStrifeClient,
  createStrifeServer,
  formatIdentity,
  gatewayAddresses,
  peerIdentity,
  type StrifeServer,
} from '@strife/runtime';
import {
  createTestCluster,
  startService,
  type ServiceProcess,
  type TestCluster,
} from '@strife/testkit';
import type { Channel } from 'nice-grpc';

/** The bank resolves legs left PREPARED by asking the coordinator, and never decides alone. */
describe('in-doubt recovery', () => {
  let cluster: TestCluster;
  let bank: ServiceProcess;
  let coordinator: StrifeServer | undefined;
  let channel: Channel;
  const asked: string[] = [];

  beforeAll(async () => {
    cluster = await createTestCluster({
      banks: {
        SBI: [
          { accountNo: '2001', holder: 'Bob', balance: '100.00' },
          { accountNo: '2002', holder: 'Dave', balance: '0.00' },
        ],
      },
      prepareTimeoutMs: 100,
      recovery: { inDoubtAfterMs: 200, intervalMs: 50 },
    });
    bank = await startService('bank', cluster, { env: { BANK_NAME: 'SBI' } });
    channel = createStrifeChannel(cluster.config.banks[0]!.address, {
      tls: cluster.tls('gateway'),
    });
  });

  afterAll(async () => {
    channel.close();
    await coordinator?.shutdown();
    await bank.kill('SIGTERM');
    cluster.remove();
  });

  const gateway = () => createStrifeClient(BankServiceDefinition, channel);

  async function legStates(): Promise<Map<bigint, LegState>> {
    const { records } = await gateway().listTransactions({
      accountNo: '2001',
      pageSize: 100,
      pageToken: '',
    });
    return new Map(records.map((r) => [r.txid, r.state]));
  }

  /** A stand-in for the gateway's CoordinatorService with fixed decisions. */
  async function startCoordinator(decisions: ReadonlyMap<bigint, Decision>): Promise<StrifeServer> {
    const server = createStrifeServer({
      logger: createLogger({ name: 'fake-coordinator', level: 'silent' }),
      tls: cluster.tls('gateway'),
      policy: { 'strife.v1.CoordinatorService': ['bank'] },
    });
    server.server.add(CoordinatorServiceDefinition, {
      resolveTransaction(request, context) {
        const peer = peerIdentity(context);
        asked.push(`${peer ? formatIdentity(peer) : '?'}:${request.txid}`);
        return Promise.resolve({
          decision: decisions.get(request.txid) ?? Decision.DECISION_ABORT,
        });
      },
    });
    await server.listen(gatewayAddresses(cluster.config)[0] ?? '');
    return server;
  }

  async function until(check: () => Promise<boolean>, what: string): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('keeps asking while the coordinator is down, then applies its answers', async () => {
    await gateway().prepareDebit({ txid: 1n, accountNo: '2001', amount: 3000n });
    await gateway().prepareDebit({ txid: 2n, accountNo: '2001', amount: 2000n });
    await gateway().prepareCredit({ txid: 3n, accountNo: '2001', amount: 500n });
    await gateway().applyLegs({
      operations: [
        {
          prepareTransfer: { txid: 4n, fromAccountNo: '2001', toAccountNo: '2002', amount: 1000n },
        },
      ],
    });

    await until(
      () => Promise.resolve(bank.output().includes('cannot resolve in-doubt legs yet')),
      'the bank to say it cannot reach the coordinator',
    );
    const stillInDoubt = await legStates();
    expect([...stillInDoubt.values()]).toEqual([
      LegState.LEG_STATE_PREPARED,
      LegState.LEG_STATE_PREPARED,
      LegState.LEG_STATE_PREPARED,
      LegState.LEG_STATE_PREPARED,
    ]);
    expect(bank.output()).toContain('cannot resolve in-doubt legs yet');

    coordinator = await startCoordinator(
      new Map([
        [1n, Decision.DECISION_COMMIT],
        [2n, Decision.DECISION_ABORT],
        [3n, Decision.DECISION_COMMIT],
        [4n, Decision.DECISION_COMMIT],
      ]),
    );
    await until(
      async () => [...(await legStates()).values()].every((s) => s !== LegState.LEG_STATE_PREPARED),
      'resolution',
    );

    const states = await legStates();
    expect(states.get(1n)).toBe(LegState.LEG_STATE_COMMITTED);
    expect(states.get(2n)).toBe(LegState.LEG_STATE_ABORTED);
    expect(states.get(3n)).toBe(LegState.LEG_STATE_COMMITTED);
    expect(states.get(4n)).toBe(LegState.LEG_STATE_COMMITTED);
    const { account } = await gateway().getAccount({ accountNo: '2001' });
    expect(account).toMatchObject({ balance: 10000n - 3000n + 500n - 1000n, held: 0n });
    const payee = await gateway().getAccount({ accountNo: '2002' });
    expect(payee.account).toMatchObject({ balance: 1000n, held: 0n });
    expect(asked.every((a) => a.startsWith('bank/SBI:'))).toBe(true);
  });
});
