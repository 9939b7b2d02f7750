import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterFileSchema, loadConfig } from '@strife/runtime';
import { consoleUrl } from '../src/consoleChild';
import { withMetricsAddresses, writeMetricsCluster } from '../src/metricsCluster';
import { planRun } from '../src/runPlan';

const allFree = () => Promise.resolve(true);

describe('pnpm start --metrics', () => {
  it('gives each service without one a metrics address at its port + 1000, skipping used ports', async () => {
    const file = clusterFileSchema.parse({
      txid: { address: '127.0.0.1:50051', metricsAddress: '127.0.0.1:9100' },
      gateway: {
        instances: [
          { name: 'gw1', address: '127.0.0.1:50052' },
          { name: 'gw2', address: '127.0.0.1:50053' },
        ],
      },
      banks: [{ name: 'SBI', address: '127.0.0.1:50061' }],
    });
    const busy = new Set([51053]);
    const withMetrics = await withMetricsAddresses(
      file,
      new Set(['127.0.0.1:51052']),
      (_host, port) => Promise.resolve(!busy.has(port)),
    );
    expect(withMetrics.txid.metricsAddress).toBe('127.0.0.1:9100');
    expect(withMetrics.gateway.instances?.map((i) => i.metricsAddress)).toEqual([
      '127.0.0.1:51054',
      '127.0.0.1:51055',
    ]);
    expect(withMetrics.banks[0]?.metricsAddress).toBe('127.0.0.1:51061');
  });

  it('writes the cluster file with them to the data dir, seeds found from there, and runs it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'launcher-metrics-'));
    try {
      mkdirSync(join(dir, 'seed'));
      writeFileSync(join(dir, 'seed', 'SBI.csv'), 'account_no,holder,balance\n2001,Bob,10.00\n');
      const file = {
        txid: { address: '127.0.0.1:50051' },
        gateway: { address: '127.0.0.1:50052' },
        banks: [{ name: 'SBI', address: '127.0.0.1:50061', seed: 'seed/SBI.csv' }],
      };
      writeFileSync(join(dir, 'cluster.json'), JSON.stringify(file));
      const env = {
        STRIFE_CONFIG: join(dir, 'cluster.json'),
        STRIFE_DATA_DIR: join(dir, 'var'),
        STRIFE_CERTS_DIR: join(dir, 'certs'),
      };
      const base = loadConfig(env);
      const path = await writeMetricsCluster(base, allFree);
      expect(path).toBe(join(dir, 'var', 'cluster-metrics.json'));
      const config = loadConfig({ ...env, STRIFE_CONFIG: path });
      expect(config.txid.metricsAddress).toBe('127.0.0.1:51051');
      expect(config.gateway.instances).toEqual([
        { name: 'gateway', address: '127.0.0.1:50052', metricsAddress: '127.0.0.1:51052' },
      ]);
      expect(config.banks).toEqual([{ ...base.banks[0], metricsAddress: '127.0.0.1:51061' }]);

      const plan = await planRun(base, undefined, () => undefined, true);
      expect(plan.env.STRIFE_CONFIG).toBe(path);
      expect(plan.notes.join('\n')).toContain(`cluster file with metrics addresses: ${path}`);
      await plan.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('opens the console over HTTP on loopback and HTTPS elsewhere', () => {
    expect(consoleUrl({ console: undefined })).toBe('http://127.0.0.1:50080/');
    expect(consoleUrl({ console: { address: 'localhost:8080' } })).toBe('http://localhost:8080/');
    expect(consoleUrl({ console: { address: '10.0.0.5:8443' } })).toBe('https://10.0.0.5:8443/');
  });
});
