import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  clusterCertSpecs,
  ensureCertificates,
  loadConfig,
  repoRoot,
  type StrifeConfig,
} from '@strife/runtime';
import { freePort } from '@strife/testkit';

export interface DemoClusterOptions {
  /** Gateway instances: 1 is `gateway.address`; more are `gateway.instances` gw1, gw2, …. Default 1. */
  readonly gateways?: number;
  /** How long a bank waits before asking about a PREPARED leg. Default 3000 ms. */
  readonly inDoubtAfterMs?: number;
}

export interface DemoCluster {
  readonly dir: string;
  readonly config: StrifeConfig;
  /** STRIFE_CONFIG, STRIFE_DATA_DIR, STRIFE_CERTS_DIR for every process of the demo. */
  readonly env: Readonly<Record<string, string>>;
  /** Every seeded account as `BANK:NO`. */
  readonly accounts: readonly string[];
  /** A user's own STRIFE_HOME inside the demo dir (created on first use). */
  readonly homeOf: (user: string) => string;
  readonly remove: () => void;
}

/**
 * The repository's cluster (its seed data) moved to free ports, a temp data dir and fresh
 * certificates, so the demo never touches `var/` or a running `pnpm start`.
 */
export async function createDemoCluster(options: DemoClusterOptions = {}): Promise<DemoCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'strife-demo-'));
  const base = loadConfig({}, repoRoot());
  const address = async (): Promise<string> => `127.0.0.1:${await freePort()}`;
  const banks = [];
  for (const bank of base.banks)
    banks.push({ name: bank.name, address: await address(), seed: bank.seedFile });
  const gateways = options.gateways ?? 1;
  const instances = [];
  for (let i = 1; i <= gateways; i++) instances.push({ name: `gw${i}`, address: await address() });
  const file = {
    txid: { address: await address() },
    gateway: {
      ...(gateways === 1 ? { address: instances[0]?.address } : { instances }),
      prepareTimeoutMs: 2000,
      commitTimeoutMs: 2000,
    },
    banks,
    users: base.usersFile,
    recovery: { inDoubtAfterMs: options.inDoubtAfterMs ?? 3000, intervalMs: 250 },
  };
  const configFile = join(dir, 'cluster.json');
  writeFileSync(configFile, JSON.stringify(file, null, 2));
  const env = {
    STRIFE_CONFIG: configFile,
    STRIFE_DATA_DIR: join(dir, 'data'),
    STRIFE_CERTS_DIR: join(dir, 'certs'),
  };
  const config = loadConfig(env, dir);
  ensureCertificates(config.certsDir, clusterCertSpecs(config));

  const accounts = config.banks.flatMap((bank) =>
    readFileSync(bank.seedFile ?? '', 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((row) => `${bank.name}:${row.split(',')[0] ?? ''}`),
  );
  return {
    dir,
    config,
    env,
    accounts,
    homeOf: (user) => {
      const home = join(dir, 'home', user);
      mkdirSync(home, { recursive: true });
      return home;
    },
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
