import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import {
  type ClusterFile,
  clusterFileSchema,
  ConfigError,
  type GatewayInstance,
  type StrifeConfig,
} from '@strife/runtime';

const ADDRESS = /^[A-Za-z0-9.-]+:\d{1,5}$/;

/** Whether nothing listens on `host:port` right now. */
export type PortCheck = (host: string, port: number) => Promise<boolean>;

/**
 * `count` gateway instances named gw1, gw2, …: gw1 at `first` (the configured gateway address),
 * the others on the next ports after it that no other service of the file uses (`taken`) and
 * nothing listens on (`isFree`).
 * @throws Error when the ports run out before 65535.
 */
export async function gatewayInstances(
  count: number,
  first: string,
  taken: ReadonlySet<string>,
  isFree: PortCheck,
): Promise<GatewayInstance[]> {
  const colon = first.lastIndexOf(':');
  const host = first.slice(0, colon);
  let port = Number(first.slice(colon + 1));
  const instances: GatewayInstance[] = [{ name: 'gw1', address: first }];
  while (instances.length < count) {
    port++;
    if (port > 65535) throw new Error(`no free ports after ${first} for ${count} gateways`);
    const address = `${host}:${port}`;
    if (taken.has(address) || !(await isFree(host, port))) continue;
    instances.push({ name: `gw${instances.length + 1}`, address });
  }
  return instances;
}

/**
 * The cluster file `file` (read from the folder `fromDir`) with its gateway as `instances`
 * instead of one `address`, and its seed and users paths absolute, so it can live elsewhere.
 * Everything else is kept as it was.
 */
export function deriveClusterFile(
  file: ClusterFile,
  fromDir: string,
  instances: readonly GatewayInstance[],
): ClusterFile {
  const gateway: ClusterFile['gateway'] = { ...file.gateway, instances: [...instances] };
  delete gateway.address;
  return { ...withAbsolutePaths(file, fromDir), gateway };
}

/** `file` (read from the folder `fromDir`) with its seed and users paths absolute, so it can live elsewhere. */
export function withAbsolutePaths(file: ClusterFile, fromDir: string): ClusterFile {
  return {
    ...file,
    banks: file.banks.map((b) =>
      b.seed === undefined ? b : { ...b, seed: resolve(fromDir, b.seed) },
    ),
    ...(file.users === undefined ? {} : { users: resolve(fromDir, file.users) }),
  };
}

/** Where `writeDerivedCluster` puts the file for `count` gateways: `<data dir>/cluster-<count>.json`. */
export function derivedClusterPath(config: Pick<StrifeConfig, 'dataDir'>, count: number): string {
  return join(config.dataDir, `cluster-${count}.json`);
}

/**
 * Writes the configured cluster file with `count` gateway instances (see `gatewayInstances` and
 * `deriveClusterFile`) to `derivedClusterPath`, replacing the one of an earlier run, and returns
 * its path. `config` must be a single-gateway configuration loaded from its file. Ports any
 * service of the file names (its address, a metrics or console address) are left alone.
 * @throws ConfigError when the result is not a valid cluster file.
 */
export async function writeDerivedCluster(
  config: StrifeConfig,
  count: number,
  isFree: PortCheck = portIsFree,
): Promise<string> {
  const [single] = config.gateway.instances;
  if (single === undefined || config.gateway.instances.length !== 1) {
    throw new Error('writeDerivedCluster: expected a cluster file with one gateway address');
  }
  const raw: unknown = JSON.parse(readFileSync(config.configFile, 'utf8'));
  const file = clusterFileSchema.parse(raw);
  const instances = await gatewayInstances(count, single.address, addressesIn(raw), isFree);
  const derived = deriveClusterFile(file, dirname(config.configFile), instances);
  const checked = clusterFileSchema.safeParse(derived);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new ConfigError(
      `--gateways ${count}: ${config.configFile} cannot be turned into ${count} instances (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}); list gateway.instances in it instead`,
    );
  }
  const path = derivedClusterPath(config, count);
  mkdirSync(dirname(path), { recursive: true });
  // Written whole, then renamed, so a reader never sees half a file.
  writeFileSync(`${path}.tmp`, `${JSON.stringify(derived, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
  return path;
}

/** Every HOST:PORT string anywhere in a parsed cluster file: the ports its services use. */
export function addressesIn(value: unknown): Set<string> {
  const found = new Set<string>();
  const visit = (v: unknown): void => {
    if (typeof v === 'string' && ADDRESS.test(v)) found.add(v);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (typeof v === 'object' && v !== null) Object.values(v).forEach(visit);
  };
  visit(value);
  return found;
}

/** Whether a TCP server could listen on `host:port` a moment ago. */
export function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => {
      done(false);
    });
    server.listen(port, host, () => {
      server.close(() => {
        done(true);
      });
    });
  });
}
