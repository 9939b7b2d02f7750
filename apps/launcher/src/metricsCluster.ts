import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type ClusterFile, clusterFileSchema, type StrifeConfig } from '@strife/runtime';
import { addressesIn, type PortCheck, portIsFree, withAbsolutePaths } from './derivedCluster';

/** How far above a service's port its metrics port is looked for first (50051 → 51051). */
export const METRICS_PORT_OFFSET = 1000;

/**
 * `file` with a `metricsAddress` for txid, every gateway instance and every bank that has none:
 * on the service's host, at its port plus 1000 or the next port after that which no address in
 * the file uses (`taken`) and nothing listens on (`isFree`). Metrics addresses already given are
 * kept.
 * @throws Error when the ports run out before 65535.
 */
export async function withMetricsAddresses(
  file: ClusterFile,
  taken: ReadonlySet<string>,
  isFree: PortCheck,
): Promise<ClusterFile> {
  const used = new Set(taken);
  const pick = async (address: string, given: string | undefined): Promise<string> => {
    if (given !== undefined) return given;
    const colon = address.lastIndexOf(':');
    const host = address.slice(0, colon);
    for (let port = Number(address.slice(colon + 1)) + METRICS_PORT_OFFSET; port <= 65535; port++) {
      const candidate = `${host}:${port}`;
      if (used.has(candidate) || !(await isFree(host, port))) continue;
      used.add(candidate);
      return candidate;
    }
    throw new Error(`no free port for the metrics of ${address}`);
  };
  const txid = {
    ...file.txid,
    metricsAddress: await pick(file.txid.address, file.txid.metricsAddress),
  };
  const gateway: ClusterFile['gateway'] = { ...file.gateway };
  if (gateway.instances) {
    const instances = [];
    for (const i of gateway.instances) {
      instances.push({ ...i, metricsAddress: await pick(i.address, i.metricsAddress) });
    }
    gateway.instances = instances;
  } else if (gateway.address !== undefined) {
    gateway.metricsAddress = await pick(gateway.address, gateway.metricsAddress);
  }
  const banks = [];
  for (const b of file.banks)
    banks.push({ ...b, metricsAddress: await pick(b.address, b.metricsAddress) });
  return { ...file, txid, gateway, banks };
}

/**
 * Writes the cluster file `config` was loaded from with metrics addresses (see
 * `withMetricsAddresses`) to the data dir as `<name>-metrics.json` (e.g. `cluster-metrics.json`,
 * `cluster-3-metrics.json`), replacing the one of an earlier run, and returns its path.
 */
export async function writeMetricsCluster(
  config: Pick<StrifeConfig, 'configFile' | 'dataDir'>,
  isFree: PortCheck = portIsFree,
): Promise<string> {
  const raw: unknown = JSON.parse(readFileSync(config.configFile, 'utf8'));
  const file = withAbsolutePaths(clusterFileSchema.parse(raw), dirname(config.configFile));
  const withMetrics = clusterFileSchema.parse(
    await withMetricsAddresses(file, addressesIn(raw), isFree),
  );
  const path = join(config.dataDir, `${basename(config.configFile, '.json')}-metrics.json`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, `${JSON.stringify(withMetrics, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
  return path;
}
