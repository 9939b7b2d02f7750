import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  clusterCertSpecs,
  clusterFileSchema,
  ConfigError,
  loadConfig,
  type StrifeConfig,
} from '@strife/runtime';
import {
  addressesIn,
  deriveClusterFile,
  derivedClusterPath,
  gatewayInstances,
  writeDerivedCluster,
} from '../src/derivedCluster';
import { planRun } from '../src/runPlan';

const allFree = () => Promise.resolve(true);

/** A cluster file with relative seed paths in a temp folder, as `config/cluster.json` has. */
function clusterDir(gateway: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), 'launcher-derive-'));
  mkdirSync(join(dir, 'seed'));
  writeFileSync(join(dir, 'seed', 'SBI.csv'), 'account_no,holder,balance\n2001,Bob,10.00\n');
  writeFileSync(join(dir, 'users.json'), '[]');
  const file = {
    txid: { address: '127.0.0.1:50051' },
    gateway: { prepareTimeoutMs: 1500, commitTimeoutMs: 2500, leaseMs: 1200, ...gateway },
    banks: [
      { name: 'ICICI', address: '127.0.0.1:50053' },
      { name: 'SBI', address: '127.0.0.1:50061', seed: 'seed/SBI.csv' },
    ],
    users: 'users.json',
    recovery: { inDoubtAfterMs: 4000, intervalMs: 300 },
  };
  writeFileSync(join(dir, 'cluster.json'), JSON.stringify(file));
  const env = {
    STRIFE_CONFIG: join(dir, 'cluster.json'),
    STRIFE_DATA_DIR: join(dir, 'var'),
    STRIFE_CERTS_DIR: join(dir, 'certs'),
  };
  return { dir, file, config: loadConfig(env), remove: () => rmSync(dir, { recursive: true }) };
}

describe('the gateway instances of --gateways N', () => {
  it('puts gw1 at the configured address and the others on the next ports no service uses and nothing listens on', async () => {
    const busy = new Set([50055]);
    const instances = await gatewayInstances(
      3,
      '127.0.0.1:50052',
      new Set(['127.0.0.1:50053']),
      (_host, port) => Promise.resolve(!busy.has(port)),
    );
    expect(instances).toEqual([
      { name: 'gw1', address: '127.0.0.1:50052' },
      { name: 'gw2', address: '127.0.0.1:50054' },
      { name: 'gw3', address: '127.0.0.1:50056' },
    ]);
  });

  it('leaves alone every address the cluster file names, wherever it is', () => {
    const taken = addressesIn({
      txid: { address: '127.0.0.1:50051' },
      banks: [{ name: 'SBI', address: '127.0.0.1:50061', seed: 'seed/SBI.csv' }],
      console: { address: 'localhost:8080' },
      users: 'users.json',
    });
    expect([...taken].sort()).toEqual(['127.0.0.1:50051', '127.0.0.1:50061', 'localhost:8080']);
  });

  it('fails when the ports run out', async () => {
    await expect(gatewayInstances(3, '127.0.0.1:65534', new Set(), allFree)).rejects.toThrow(
      'no free ports after 127.0.0.1:65534 for 3 gateways',
    );
  });
});

describe('the derived cluster file', () => {
  let cluster: ReturnType<typeof clusterDir>;
  beforeEach(() => {
    cluster = clusterDir({ address: '127.0.0.1:50052' });
  });
  afterEach(() => {
    cluster.remove();
  });

  it('lists the instances instead of one address, with absolute paths, and keeps every other setting', () => {
    const parsed = clusterFileSchema.parse(cluster.file);
    const instances = [
      { name: 'gw1', address: '127.0.0.1:50052' },
      { name: 'gw2', address: '127.0.0.1:50054' },
    ];
    const derived = deriveClusterFile(parsed, cluster.dir, instances);
    expect(derived.gateway).not.toHaveProperty('address');
    expect(derived.gateway).toMatchObject({
      instances,
      prepareTimeoutMs: 1500,
      commitTimeoutMs: 2500,
      leaseMs: 1200,
    });
    expect(derived.banks).toEqual([
      { name: 'ICICI', address: '127.0.0.1:50053' },
      { name: 'SBI', address: '127.0.0.1:50061', seed: join(cluster.dir, 'seed', 'SBI.csv') },
    ]);
    expect(derived.users).toBe(join(cluster.dir, 'users.json'));
    expect(derived.recovery).toEqual({ inDoubtAfterMs: 4000, intervalMs: 300 });
    expect(derived.txid).toEqual(cluster.file.txid);
    expect(clusterFileSchema.safeParse(derived).success).toBe(true);
  });

  it('is written to the data dir as cluster-N.json and loads with a certificate for each instance', async () => {
    const path = await writeDerivedCluster(cluster.config, 3, allFree);
    expect(path).toBe(join(cluster.config.dataDir, 'cluster-3.json'));
    expect(path).toBe(derivedClusterPath(cluster.config, 3));
    const derived: StrifeConfig = loadConfig({
      STRIFE_CONFIG: path,
      STRIFE_DATA_DIR: cluster.config.dataDir,
      STRIFE_CERTS_DIR: cluster.config.certsDir,
    });
    expect(derived.gateway.instances).toEqual([
      { name: 'gw1', address: '127.0.0.1:50052' },
      { name: 'gw2', address: '127.0.0.1:50054' },
      { name: 'gw3', address: '127.0.0.1:50055' },
    ]);
    // Same seed data, found from the data dir.
    expect(derived.banks).toEqual(cluster.config.banks);
    expect(derived.usersFile).toBe(cluster.config.usersFile);
    expect(clusterCertSpecs(derived).map((s) => s.file)).toEqual(
      expect.arrayContaining(['gateway-gw1', 'gateway-gw2', 'gateway-gw3']),
    );
    // The configured file is left as it was.
    expect(JSON.parse(readFileSync(cluster.config.configFile, 'utf8'))).toEqual(cluster.file);
  });

  it('is not written for --gateways 1: the run is the configured file, unchanged', async () => {
    const plan = await planRun(cluster.config, 1, () => undefined);
    expect(plan.derivedFile).toBeUndefined();
    expect(plan.env.STRIFE_CONFIG).toBe(cluster.config.configFile);
    expect(plan.env.STRIFE_DATA_DIR).toBe(cluster.config.dataDir);
    expect(plan.gatewayEnv).toEqual({});
    expect(plan.config.gateway.instances).toEqual(cluster.config.gateway.instances);
    await plan.close();
  });
});

describe('--gateways with a cluster file that lists its instances', () => {
  it('is refused (exit 2) when the numbers differ', async () => {
    const cluster = clusterDir({
      instances: [
        { name: 'a', address: '127.0.0.1:50052' },
        { name: 'b', address: '127.0.0.1:50054' },
      ],
      database: 'postgresql://u:secret@127.0.0.1:5432/strife',
    });
    try {
      const planned = planRun(cluster.config, 3, () => undefined);
      await expect(planned).rejects.toBeInstanceOf(ConfigError);
      await expect(planned).rejects.toThrow('already lists 2 gateway instances; give --gateways 2');
      const same = await planRun(cluster.config, 2, () => undefined);
      expect(same.derivedFile).toBeUndefined();
      expect(same.notes.join('\n')).toContain('postgresql://u:***@127.0.0.1:5432/strife');
      expect(same.notes.join('\n')).not.toContain('secret');
    } finally {
      cluster.remove();
    }
  });
});
