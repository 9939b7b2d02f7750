import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { z } from 'zod';
import { ConfigError } from './configError';
import { repoRoot } from './repoRoot';
import { clusterFileSchema, LOG_LEVELS, type LogLevel } from './schema';

export interface BankConfig {
  readonly name: string;
  readonly address: string;
  /** Where it serves Prometheus metrics (HTTPS, monitor role only); none when unset. */
  readonly metricsAddress: string | undefined;
  /** Absolute path of the seed CSV, if the cluster file names one. */
  readonly seedFile: string | undefined;
}

/** One gateway instance of the cluster file. */
export interface GatewayInstance {
  readonly name: string;
  readonly address: string;
  /** Where it serves Prometheus metrics (HTTPS, monitor role only); none when unset. */
  readonly metricsAddress?: string | undefined;
}

/** The name of the one instance of a cluster file that gives `gateway.address`. */
export const SINGLE_GATEWAY = 'gateway';

/** Everything a Strife process reads at start: the cluster file plus the environment. */
export interface StrifeConfig {
  readonly configFile: string;
  readonly dataDir: string;
  readonly certsDir: string;
  readonly logLevel: LogLevel;
  readonly txid: { readonly address: string; readonly metricsAddress: string | undefined };
  readonly gateway: {
    /** Every instance; `gateway.address` in the file is one instance named `gateway`. */
    readonly instances: readonly GatewayInstance[];
    /** The PostgreSQL URL of the gateways' state (`STRIFE_DATABASE_URL`, else the file); none: SQLite. */
    readonly database: string | undefined;
    /** Where the database URL came from, to name it in errors. */
    readonly databaseSetting: string;
    readonly leaseMs: number;
    readonly loginThrottle: {
      readonly windowMs: number;
      readonly perUserAndAddress: number;
      readonly perAddress: number;
      readonly perUser: number;
    };
    readonly prepareTimeoutMs: number;
    readonly commitTimeoutMs: number;
    readonly sessionIdleMs: number;
    readonly sessionTtlMs: number;
    readonly idempotencyRetentionMs: number;
  };
  readonly banks: readonly BankConfig[];
  readonly recovery: { readonly inDoubtAfterMs: number; readonly intervalMs: number };
  /** Absolute path of users.json, if the cluster file names one. */
  readonly usersFile: string | undefined;
  /** The operator's console, when the cluster file has one. */
  readonly console: { readonly address: string } | undefined;
}

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads `STRIFE_CONFIG` (default `config/cluster.json`), `STRIFE_DATA_DIR` (default `var/`),
 * `STRIFE_CERTS_DIR` (default `certs/`) and `LOG_LEVEL` (default `info`). Defaults resolve
 * against the repository root; paths given in the environment resolve against `cwd`; relative
 * paths inside the cluster file resolve against the file's folder.
 * @throws ConfigError with a one-line message naming the file and field.
 */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): StrifeConfig {
  const root = repoRoot();
  const fromEnv = (name: string, fallback: string): string => {
    const value = env[name];
    return value ? resolve(cwd, value) : resolve(root, fallback);
  };
  const configFile = fromEnv('STRIFE_CONFIG', 'config/cluster.json');
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!isLogLevel(logLevel)) {
    throw new ConfigError(`LOG_LEVEL: "${logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
  }

  const file = parseClusterFile(configFile);
  const here = dirname(configFile);
  const inFile = (path: string | undefined): string | undefined =>
    path === undefined ? undefined : resolve(here, path);

  return {
    configFile,
    dataDir: fromEnv('STRIFE_DATA_DIR', 'var'),
    certsDir: fromEnv('STRIFE_CERTS_DIR', 'certs'),
    logLevel,
    txid: { address: file.txid.address, metricsAddress: file.txid.metricsAddress },
    gateway: gatewayConfig(file.gateway, env),
    banks: file.banks.map((b) => ({
      name: b.name,
      address: b.address,
      seedFile: inFile(b.seed),
      metricsAddress: b.metricsAddress,
    })),
    recovery: {
      inDoubtAfterMs:
        file.recovery?.inDoubtAfterMs ??
        file.gateway.prepareTimeoutMs + file.gateway.commitTimeoutMs,
      intervalMs: file.recovery?.intervalMs ?? 1000,
    },
    usersFile: inFile(file.users),
    console: file.console,
  };
}

/**
 * The instance this gateway process serves: the one named by `GATEWAY_NAME`, or the only one.
 * @throws ConfigError naming the setting when GATEWAY_NAME is missing (with several instances) or
 *   unknown, or when several instances have no database to share.
 */
export function gatewayFromEnv(config: StrifeConfig, env: Env = process.env): GatewayInstance {
  const { instances, database } = config.gateway;
  const name = env.GATEWAY_NAME;
  const known = instances.map((i) => i.name).join(', ');
  if (!name) {
    const [only] = instances;
    if (instances.length === 1 && only) return only;
    throw new ConfigError(`GATEWAY_NAME: required with several gateway instances (${known})`);
  }
  const found = instances.find((i) => i.name === name);
  if (!found) {
    throw new ConfigError(
      `GATEWAY_NAME: ${JSON.stringify(name.slice(0, 40))} is not an instance in ${config.configFile} (${known})`,
    );
  }
  if (instances.length > 1 && database === undefined) {
    throw new ConfigError(
      'gateway.database: required with several gateway instances (or set STRIFE_DATABASE_URL)',
    );
  }
  return found;
}

/** The cluster file's entry for `BANK_NAME`. @throws ConfigError when unset or unknown. */
export function bankFromEnv(config: StrifeConfig, env: Env = process.env): BankConfig {
  const name = env.BANK_NAME;
  if (!name) throw new ConfigError('BANK_NAME: required (one of the banks in the cluster file)');
  const bank = config.banks.find((b) => b.name === name);
  if (!bank) {
    const known = config.banks.map((b) => b.name).join(', ');
    throw new ConfigError(`BANK_NAME: "${name}" is not in ${config.configFile} (${known})`);
  }
  return bank;
}

function gatewayConfig(
  gateway: z.infer<typeof clusterFileSchema>['gateway'],
  env: Env,
): StrifeConfig['gateway'] {
  const fromEnv = env.STRIFE_DATABASE_URL;
  return {
    instances: gateway.instances ?? [
      {
        name: SINGLE_GATEWAY,
        address: gateway.address ?? '',
        metricsAddress: gateway.metricsAddress,
      },
    ],
    database: fromEnv || gateway.database,
    databaseSetting: fromEnv ? 'STRIFE_DATABASE_URL' : 'gateway.database',
    leaseMs: gateway.leaseMs,
    loginThrottle: gateway.loginThrottle,
    prepareTimeoutMs: gateway.prepareTimeoutMs,
    commitTimeoutMs: gateway.commitTimeoutMs,
    sessionIdleMs: gateway.sessionIdleMs,
    sessionTtlMs: gateway.sessionTtlMs,
    idempotencyRetentionMs: gateway.idempotencyRetentionMs,
  };
}

function parseClusterFile(path: string): z.infer<typeof clusterFileSchema> {
  const shown = relative(process.cwd(), path) || path;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : String(err);
    throw new ConfigError(`${shown}: cannot read cluster file: ${reason}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${shown}: not valid JSON: ${(err as Error).message}`);
  }
  const parsed = clusterFileSchema.safeParse(json);
  if (!parsed.success) {
    const [first, ...rest] = parsed.error.issues;
    const field = first && first.path.length > 0 ? first.path.join('.') : '(root)';
    const more = rest.length > 0 ? ` (and ${rest.length} more)` : '';
    throw new ConfigError(`${shown}: ${field}: ${first?.message ?? 'invalid'}${more}`);
  }
  return parsed.data;
}

function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/** Every gateway instance's address, for a client that balances over them and fails over. */
export function gatewayAddresses(config: Pick<StrifeConfig, 'gateway'>): string[] {
  return config.gateway.instances.map((i) => i.address);
}
