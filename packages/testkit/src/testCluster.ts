import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  clusterCertSpecs,
  ensureCertificates,
  loadConfig,
  loadTlsMaterial,
  type StrifeConfig,
  type TlsMaterial,
} from '@strife/runtime';
import { freePort } from './freePort';

export interface SeedAccount {
  readonly accountNo: string;
  readonly holder: string;
  /** Decimal string, e.g. `100.00`. */
  readonly balance: string;
}

export interface SeedUser {
  readonly username: string;
  readonly password: string;
  readonly bank: string;
  readonly account_no: string;
}

export interface TestClusterOptions {
  /** Banks and their seed accounts. Default ICICI and SBI with no accounts. */
  readonly banks?: Readonly<Record<string, readonly SeedAccount[]>>;
  readonly users?: readonly SeedUser[];
  readonly prepareTimeoutMs?: number;
  readonly commitTimeoutMs?: number;
  /** In-doubt timing for banks; default the cluster file's defaults. */
  readonly recovery?: { readonly inDoubtAfterMs: number; readonly intervalMs: number };
  /**
   * Gateway instances: 1 (the default) is `gateway.address`; more are `gateway.instances`
   * named gw1, gw2, …, which share `database`.
   */
  readonly gateways?: number;
  /** PostgreSQL URL of the gateways' state; default none (SQLite in the data folder). */
  readonly database?: string;
  /** Gateway lease time; default the cluster file's. */
  readonly leaseMs?: number;
  /**
   * Login limits. Default: 5 per username and address, and no practical limit per address or
   * per username, since every test client connects from 127.0.0.1.
   */
  readonly loginThrottle?: Readonly<Record<string, number>>;
  /** Give every service a `metricsAddress` (HTTPS, monitor role). Default false. */
  readonly metrics?: boolean;
}

/** A cluster file, seed data, certificates and a data folder in a fresh temp dir, on free ports. */
export interface TestCluster {
  readonly dir: string;
  readonly configFile: string;
  readonly certsDir: string;
  readonly dataDir: string;
  readonly config: StrifeConfig;
  /** Environment for a service process of this cluster, plus `extra`. */
  env(extra?: Readonly<Record<string, string>>): Record<string, string>;
  /** TLS material for one identity (`gateway`, `bank-SBI`, `client`, `monitor`, …). */
  tls(name: string): TlsMaterial;
  remove(): void;
}

export async function createTestCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'strife-cluster-'));
  const certsDir = join(dir, 'certs');
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir);
  const banks = options.banks ?? { ICICI: [], SBI: [] };
  const gateways = options.gateways ?? 1;
  const address = async (): Promise<string> => `127.0.0.1:${await freePort()}`;

  const bankEntries = [];
  for (const [name, accounts] of Object.entries(banks)) {
    const seed = `seed-${name}.csv`;
    const rows = accounts.map((a) => `${a.accountNo},${a.holder},${a.balance}`);
    writeFileSync(join(dir, seed), ['account_no,holder,balance', ...rows].join('\n') + '\n');
    bankEntries.push({
      name,
      address: await address(),
      seed,
      ...(options.metrics ? { metricsAddress: await address() } : {}),
    });
  }
  writeFileSync(join(dir, 'users.json'), JSON.stringify(options.users ?? [], null, 2));
  const file = {
    txid: {
      address: await address(),
      ...(options.metrics ? { metricsAddress: await address() } : {}),
    },
    gateway: {
      ...(gateways === 1
        ? {
            address: await address(),
            ...(options.metrics ? { metricsAddress: await address() } : {}),
          }
        : {
            instances: await Promise.all(
              Array.from({ length: gateways }, async (_, i) => ({
                name: `gw${i + 1}`,
                address: await address(),
                ...(options.metrics ? { metricsAddress: await address() } : {}),
              })),
            ),
          }),
      ...(options.database === undefined ? {} : { database: options.database }),
      ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
      prepareTimeoutMs: options.prepareTimeoutMs ?? 5000,
      commitTimeoutMs: options.commitTimeoutMs ?? 5000,
      loginThrottle: options.loginThrottle ?? { perAddress: 1_000_000, perUser: 1_000_000 },
    },
    banks: bankEntries,
    users: 'users.json',
    ...(options.recovery ? { recovery: options.recovery } : {}),
  };
  const configFile = join(dir, 'cluster.json');
  writeFileSync(configFile, JSON.stringify(file, null, 2));

  const env = (extra: Readonly<Record<string, string>> = {}): Record<string, string> => ({
    STRIFE_CONFIG: configFile,
    STRIFE_DATA_DIR: dataDir,
    STRIFE_CERTS_DIR: certsDir,
    LOG_LEVEL: 'debug',
    ...extra,
  });
  const config = loadConfig(env(), dir);
  ensureCertificates(certsDir, clusterCertSpecs(config));

  return {
    dir,
    configFile,
    certsDir,
    dataDir,
    config,
    env,
    tls: (name) => loadTlsMaterial(certsDir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
