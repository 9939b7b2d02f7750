import { readFileSync } from 'node:fs';
import type { Agent } from 'node:https';
import { join } from 'node:path';
import { createDatabase, type PrivatePostgres, startPrivatePostgres } from '@strife/postgres';
import { BankServiceDefinition, GatewayServiceDefinition } from '@strife/protocol';
import {
  createStrifeChannel,
  createStrifeClient,
  gatewayAddresses,
  gatewayCertName,
  metricsAgent,
} from '@strife/runtime';
import {
  type AppName,
  createTestCluster,
  startService,
  type ServiceProcess,
  type TestCluster,
} from '@strife/testkit';
import type { Channel, Client } from 'nice-grpc';
import type { MetricsTarget } from './inside';
import type { GatewayDatabaseKind } from './options';
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

/** How many gateway instances, and where they keep their state. */
export interface GatewayLayout {
  readonly gateways: number;
  readonly database: GatewayDatabaseKind;
}

/**
 * The benchmark's own cluster: txid, both banks and the gateway instances as real processes,
 * and with `postgres` a private PostgreSQL server for the gateways' state.
 */
export class BenchCluster {
  private readonly channels: Channel[] = [];
  private readonly running: RunningService[] = [];
  private stopping = false;

  private constructor(
    readonly cluster: TestCluster,
    private readonly seed: BenchSeed,
    private readonly postgres: PrivatePostgres | undefined,
  ) {}

  /**
   * A temp cluster (free ports, fresh certificates) seeded with `seed`, with the PostgreSQL
   * server running when the layout asks for one; no Strife service runs yet.
   */
  static async create(seed: BenchSeed, layout: GatewayLayout): Promise<BenchCluster> {
    const postgres = layout.database === 'postgres' ? await startPrivatePostgres() : undefined;
    try {
      const cluster = await createTestCluster({
        banks: seed.banks,
        users: seed.users,
        prepareTimeoutMs: 5000,
        commitTimeoutMs: 5000,
        gateways: layout.gateways,
        metrics: true,
        ...(postgres ? { database: await createDatabase(postgres.url, 'strife_bench') } : {}),
      });
      return new BenchCluster(cluster, seed, postgres);
    } catch (err) {
      await postgres?.stop();
      throw err;
    }
  }

  /** The PostgreSQL postmaster, whose children serve the gateways' connections. */
  get database(): { readonly name: string; readonly pid: number } | undefined {
    if (this.postgres === undefined) return undefined;
    // The first line of postmaster.pid is the server's pid.
    const pidFile = readFileSync(join(this.postgres.dataDir, 'postmaster.pid'), 'utf8');
    return { name: 'postgres', pid: Number(pidFile.split('\n')[0]) };
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
    const instances = this.cluster.config.gateway.instances;
    const single = instances.length === 1;
    const gateways = instances.map((i) => {
      const env: Record<string, string> = single ? {} : { GATEWAY_NAME: i.name };
      return { name: single ? 'gateway' : `gateway ${i.name}`, env };
    });
    await Promise.all(gateways.map((g) => launch(g.name, 'gateway', g.env)));
    const order = ['txid', ...banks.map((b) => `bank ${b}`), ...gateways.map((g) => g.name)];
    this.running.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  }

  /** Every service's metrics address, under the name `services` gives it. */
  metricsTargets(): MetricsTarget[] {
    const config = this.cluster.config;
    const single = config.gateway.instances.length === 1;
    const entries = [
      { name: 'txid', address: config.txid.metricsAddress },
      ...config.banks.map((b) => ({ name: `bank ${b.name}`, address: b.metricsAddress })),
      ...config.gateway.instances.map((i) => ({
        name: single ? 'gateway' : `gateway ${i.name}`,
        address: i.metricsAddress,
      })),
    ];
    return entries.flatMap((e) =>
      e.address === undefined ? [] : [{ name: e.name, address: e.address }],
    );
  }

  /** An HTTPS agent with the `monitor` certificate, the role the metrics servers admit. */
  metricsAgent(): Agent {
    return metricsAgent(this.cluster.tls('monitor'));
  }

  /** Whether `stop` has been called (by a signal, say). */
  get stopped(): boolean {
    return this.stopping;
  }

  /** The services started so far: txid, the banks, the gateway instances. */
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

  /** A BankService client with a gateway's certificate, the only role a bank serves. */
  bankClient(bank: string): BankClient {
    const entry = this.cluster.config.banks.find((b) => b.name === bank);
    if (!entry) throw new Error(`no bank ${bank} in the cluster`);
    const [first] = this.cluster.config.gateway.instances;
    if (!first) throw new Error('no gateway instance in the cluster');
    const identity = gatewayCertName(first.name);
    return createStrifeClient(BankServiceDefinition, this.channel(entry.address, identity));
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
    await this.postgres?.stop();
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
