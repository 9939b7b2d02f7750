import {
  BankServiceDefinition,
  CoordinatorServiceDefinition,
  GatewayServiceDefinition,
} from '@strife/protocol';
import {
  createStrifeChannel,
  createStrifeClient,
  gatewayAddresses,
  gatewayCertName,
  type ServiceDefinitionLike,
} from '@strife/runtime';
import { ClientError, Metadata, Status, type Channel } from 'nice-grpc';
import {
  HealthCheckResponse_ServingStatus,
  HealthDefinition,
} from 'nice-grpc-server-health/lib/proto/grpc/health/v1/health';
import { startService, type ServiceProcess } from './serviceProcess';
import { createTestCluster, type TestCluster, type TestClusterOptions } from './testCluster';

/** Two banks with two accounts each and a user per account (password `<name>-pass-1`). */
export const SEED: Required<Pick<TestClusterOptions, 'banks' | 'users'>> = {
  banks: {
    ICICI: [
      { accountNo: '1001', holder: 'Alice', balance: '1000.00' },
      { accountNo: '1002', holder: 'Carol', balance: '500.00' },
    ],
    SBI: [
      { accountNo: '2001', holder: 'Bob', balance: '800.00' },
      { accountNo: '2002', holder: 'Dave', balance: '100.00' },
    ],
  },
  users: [
    { username: 'alice', password: 'alice-pass-1', bank: 'ICICI', account_no: '1001' },
    { username: 'carol', password: 'carol-pass-1', bank: 'ICICI', account_no: '1002' },
    { username: 'bob', password: 'bob-pass-1', bank: 'SBI', account_no: '2001' },
    { username: 'dave', password: 'dave-pass-1', bank: 'SBI', account_no: '2002' },
  ],
};

/** txid, both banks and the gateway as real processes over mTLS, with clients for each role. */
export class TestSystem {
  readonly processes = new Map<string, ServiceProcess>();
  /** One channel per (address, identity), reused by every client made for it. */
  private readonly channels = new Map<string, Channel>();

  private constructor(readonly cluster: TestCluster) {}

  /** Starts every service of a cluster seeded with `SEED` unless `options` brings its own banks and users. */
  static async start(options: TestClusterOptions = {}): Promise<TestSystem> {
    const system = new TestSystem(await createTestCluster({ ...SEED, ...options }));
    const banks = Object.keys(options.banks ?? SEED.banks);
    await Promise.all([system.startTxid(), ...banks.map((bank) => system.startBank(bank))]);
    await Promise.all(system.gatewayNames.map((name) => system.startGateway(undefined, name)));
    return system;
  }

  /**
   * The process names of the gateway instances: `gateway` for a cluster of one, else
   * `gateway-gw1`, `gateway-gw2`, ….
   */
  get gatewayNames(): string[] {
    const { instances } = this.cluster.config.gateway;
    return instances.length === 1 ? ['gateway'] : instances.map((i) => `gateway-${i.name}`);
  }

  async startTxid(failpoints?: string): Promise<void> {
    const env: Record<string, string> = failpoints ? { STRIFE_FAILPOINTS: failpoints } : {};
    this.processes.set('txid', await startService('txid', this.cluster, { env }));
  }

  async startBank(name: string, failpoints?: string): Promise<void> {
    const env: Record<string, string> = { BANK_NAME: name };
    if (failpoints) env.STRIFE_FAILPOINTS = failpoints;
    this.processes.set(name, await startService('bank', this.cluster, { env }));
  }

  /** Starts a gateway instance (by process name; default the only one) with `failpoints`. */
  async startGateway(failpoints?: string, name = 'gateway'): Promise<void> {
    const env: Record<string, string> = failpoints ? { STRIFE_FAILPOINTS: failpoints } : {};
    if (name !== 'gateway') env.GATEWAY_NAME = name.replace(/^gateway-/, '');
    this.processes.set(name, await startService('gateway', this.cluster, { env }));
  }

  /** Kills a process (SIGKILL unless told otherwise) and waits for it to exit. */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.processes.get(name)?.kill(signal);
    this.processes.delete(name);
  }

  process(name: string): ServiceProcess {
    const found = this.processes.get(name);
    if (!found) throw new Error(`${name} is not running`);
    return found;
  }

  private channel(
    address: string | readonly string[],
    identity: string,
    retry?: ServiceDefinitionLike,
  ): Channel {
    const id = `${identity}@${String(address)}#${retry?.fullName ?? ''}`;
    let channel = this.channels.get(id);
    if (!channel) {
      channel = createStrifeChannel(address, { tls: this.cluster.tls(identity), retry });
      this.channels.set(id, channel);
    }
    return channel;
  }

  /**
   * A GatewayService client with the CLI's certificate (or `identity`'s), balanced over every
   * instance, or pinned to the instance `instance` names (e.g. `gw2`).
   */
  gateway(identity = 'client', instance?: string) {
    return createStrifeClient(
      GatewayServiceDefinition,
      this.channel(this.gatewayAddress(instance), identity, GatewayServiceDefinition),
      15_000,
    );
  }

  /** Every gateway instance's address, or the one `instance` names. */
  private gatewayAddress(instance: string | undefined): string[] {
    if (instance === undefined) return gatewayAddresses(this.cluster.config);
    const found = this.cluster.config.gateway.instances.find((i) => i.name === instance);
    if (!found) throw new Error(`no gateway instance ${instance}`);
    return [found.address];
  }

  /** A CoordinatorService client (as a bank) pinned to one gateway instance. */
  gatewayCoordinator(instance: string, identity = 'bank-SBI') {
    return createStrifeClient(
      CoordinatorServiceDefinition,
      this.channel(this.gatewayAddress(instance), identity, CoordinatorServiceDefinition),
    );
  }

  coordinator(identity = 'bank-SBI') {
    return createStrifeClient(
      CoordinatorServiceDefinition,
      this.channel(gatewayAddresses(this.cluster.config), identity, CoordinatorServiceDefinition),
    );
  }

  /**
   * The health status (`SERVING`, `NOT_SERVING`) the `grpc.health.v1` service of the process
   * `name` (`txid`, a bank's name, `gateway` or `gateway-<instance>`) gives a monitor.
   */
  async health(name: string): Promise<string> {
    const { txid, banks, gateway } = this.cluster.config;
    const instance =
      name === 'gateway'
        ? gateway.instances[0]
        : gateway.instances.find((i) => `gateway-${i.name}` === name);
    const address =
      name === 'txid'
        ? txid.address
        : (instance?.address ?? banks.find((b) => b.name === name)?.address);
    if (address === undefined) throw new Error(`no service ${name}`);
    const client = createStrifeClient(HealthDefinition, this.channel(address, 'monitor'), 3000);
    const { status } = await client.check({ service: '' });
    return HealthCheckResponse_ServingStatus[status];
  }

  bank(name: string) {
    const entry = this.cluster.config.banks.find((b) => b.name === name);
    if (!entry) throw new Error(`no bank ${name}`);
    const [first] = this.cluster.config.gateway.instances;
    const identity = gatewayCertName(first?.name ?? 'gateway');
    return createStrifeClient(BankServiceDefinition, this.channel(entry.address, identity));
  }

  /**
   * Logs in and returns call options carrying the session token. A gateway that was just
   * restarted may not be reachable on this client's channel for a moment (grpc-js backs off
   * between reconnects), so UNAVAILABLE is retried for a few seconds, as a user would.
   */
  async login(username: string, password = `${username}-pass-1`): Promise<{ metadata: Metadata }> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        const { token } = await this.gateway().login({ username, password });
        return { metadata: Metadata({ authorization: `Bearer ${token}` }) };
      } catch (err) {
        if (!(err instanceof ClientError) || err.code !== Status.UNAVAILABLE) throw err;
        if (Date.now() > deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  /** Balance and held amount straight from the bank's books. */
  async books(account: string): Promise<{ balance: bigint; held: bigint }> {
    const [bank, accountNo] = account.split(':') as [string, string];
    const { account: found } = await this.bank(bank).getAccount({ accountNo });
    return { balance: found?.balance ?? -1n, held: found?.held ?? -1n };
  }

  /** Sum of every seeded account's balance across the banks. */
  async total(seed: TestClusterOptions['banks'] = SEED.banks): Promise<bigint> {
    let sum = 0n;
    for (const [bank, accounts] of Object.entries(seed)) {
      for (const a of accounts) sum += (await this.books(`${bank}:${a.accountNo}`)).balance;
    }
    return sum;
  }

  /** Polls `check` until it holds (phase 2 and recovery run in the background). */
  async until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop(): Promise<void> {
    this.channels.forEach((c) => {
      c.close();
    });
    for (const name of [...this.processes.keys()]) await this.kill(name, 'SIGTERM');
    this.cluster.remove();
  }
}

/** The sum of every seeded balance, in minor units. */
export const SEED_TOTAL = 240_000n;
