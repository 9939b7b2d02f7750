import { BankServiceDefinition, GatewayServiceDefinition } from '@strife/protocol';
import { createStrifeChannel, createStrifeClient, gatewayAddresses } from '@strife/runtime';
import {
  type AppName,
  createTestCluster,
  startService,
  type ServiceProcess,
  type TestCluster,
} from '@strife/testkit';
import type { Channel, Client } from 'nice-grpc';
import type { BenchSeed } from './seed';

/** A GatewayService client whose calls take a `deadline`. */
export type GatewayClient = Client<typeof GatewayServiceDefinition, { deadline?: Date | number }>;
/** A BankService client (gateway certificate) whose calls take a `deadline`. */
export type BankClient = Client<typeof BankServiceDefinition, { deadline?: Date | number }>;

/** One running service: its display name (`txid`, `bank ICICI`, `gateway`) and process. */
export interface RunningService {
  readonly name: string;
  readonly process: ServiceProcess;
}

/** Pino level for every service. At `info` each call logs a line, which costs measurable CPU. */
export const SERVICE_LOG_LEVEL = 'warn';

/** Generous: the gateway hashes every seed user's password (scrypt) before it serves. */
const STARTUP_TIMEOUT_MS = 60_000;
const STARTUP_PER_USER_MS = 100;
const STOP_GRACE_MS = 5_000;
/** Deadline of each client call: above prepare + commit timeouts, so the gateway answers first. */
const CALL_DEADLINE_MS = 15_000;

/** The benchmark's own cluster: txid, both banks and the gateway as real processes. */
export class BenchCluster {
  private readonly channels: Channel[] = [];
  private readonly running: RunningService[] = [];
  private stopping = false;

  private constructor(
    readonly cluster: TestCluster,
    private readonly seed: BenchSeed,
  ) {}

  /** A temp cluster (free ports, fresh certificates) seeded with `seed`; nothing runs yet. */
  static async create(seed: BenchSeed): Promise<BenchCluster> {
    const cluster = await createTestCluster({
      banks: seed.banks,
      users: seed.users,
      prepareTimeoutMs: 5000,
      commitTimeoutMs: 5000,
    });
    return new BenchCluster(cluster, seed);
  }

  /**
   * Starts txid and the banks, then the gateway, each at `SERVICE_LOG_LEVEL` and with
   * `nodeArgs(name)` for node, and resolves once all answer their health checks. Every process
   * counts as running (for `stop`) from its spawn.
   */
  async start(nodeArgs: (name: string) => string[] = () => []): Promise<void> {
    const banks = Object.keys(this.seed.banks);
    const launch = (name: string, app: AppName, env: Record<string, string> = {}) =>
      this.launch(name, app, env, nodeArgs(name));
    await Promise.all([
      launch('txid', 'txid'),
      ...banks.map((bank) => launch(`bank ${bank}`, 'bank', { BANK_NAME: bank })),
    ]);
    await launch('gateway', 'gateway');
    const order = ['txid', ...banks.map((b) => `bank ${b}`), 'gateway'];
    this.running.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  }

  /** Whether `stop` has been called (by a signal, say). */
  get stopped(): boolean {
    return this.stopping;
  }

  /** The services started so far: txid, the banks, the gateway. */
  get services(): readonly RunningService[] {
    return this.running;
  }

  /**
   * `count` gateway clients, each on its own channel (its own TLS connection: every channel
   * gets fresh credentials, so grpc-js does not pool them into one subchannel).
   */
  gatewayClients(count: number): GatewayClient[] {
    return Array.from({ length: count }, () =>
      createStrifeClient(
        GatewayServiceDefinition,
        this.channel(gatewayAddresses(this.cluster.config), 'client'),
        CALL_DEADLINE_MS,
      ),
    );
  }

  /** A BankService client with the gateway's certificate, the only identity a bank serves. */
  bankClient(bank: string): BankClient {
    const entry = this.cluster.config.banks.find((b) => b.name === bank);
    if (!entry) throw new Error(`no bank ${bank} in the cluster`);
    return createStrifeClient(BankServiceDefinition, this.channel(entry.address, 'gateway'));
  }

  /** Names of services that have exited since they started. */
  dead(): string[] {
    return this.running.filter((s) => !s.process.alive()).map((s) => s.name);
  }

  /**
   * Closes the channels, stops every service (SIGTERM, then SIGKILL after a grace period) and,
   * unless `keep`, removes the temp dir with its books and logs. Later calls do nothing.
   */
  async stop(keep = false): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const channel of this.channels.splice(0)) channel.close();
    await stopAll(this.running);
    if (!keep) this.cluster.remove();
  }

  private async launch(
    name: string,
    app: AppName,
    env: Record<string, string>,
    nodeArgs: readonly string[],
  ) {
    if (this.stopping) throw new Error('the cluster was stopped while starting');
    const users = app === 'gateway' ? this.seed.users.length : 0;
    // startService applies options.env after cluster.env(), overriding its LOG_LEVEL=debug.
    await startService(app, this.cluster, {
      env: { ...env, LOG_LEVEL: SERVICE_LOG_LEVEL },
      timeoutMs: STARTUP_TIMEOUT_MS + users * STARTUP_PER_USER_MS,
      nodeArgs,
      onSpawn: (service) => this.running.push({ name, process: service }),
    });
  }

  private channel(address: string | readonly string[], identity: string): Channel {
    const channel = createStrifeChannel(address, { tls: this.cluster.tls(identity) });
    this.channels.push(channel);
    return channel;
  }
}

async function stopAll(services: readonly RunningService[]): Promise<void> {
  await Promise.all(
    services.map(async ({ process: service }) => {
      if (!service.alive()) return;
      const timer = setTimeout(() => void service.kill('SIGKILL'), STOP_GRACE_MS);
      await service.kill('SIGTERM');
      clearTimeout(timer);
    }),
  );
}
