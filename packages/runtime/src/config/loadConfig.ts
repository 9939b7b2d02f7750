import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { z } from 'zod';
import { ConfigError } from './configError';
import { repoRoot } from './repoRoot';
import { clusterFileSchema, LOG_LEVELS, type LogLevel } from './schema';

export interface BankConfig {
  readonly name: string;
  readonly address: string;
  /** Absolute path of the seed CSV, if the cluster file names one. */
  readonly seedFile: string | undefined;
}

/** Everything a Strife process reads at start: the cluster file plus the environment. */
export interface StrifeConfig {
  readonly configFile: string;
  readonly dataDir: string;
  readonly certsDir: string;
  readonly logLevel: LogLevel;
  readonly txid: { readonly address: string };
  readonly gateway: {
    readonly address: string;
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
    txid: file.txid,
    gateway: file.gateway,
    banks: file.banks.map((b) => ({ name: b.name, address: b.address, seedFile: inFile(b.seed) })),
    recovery: {
      inDoubtAfterMs:
        file.recovery?.inDoubtAfterMs ??
        file.gateway.prepareTimeoutMs + file.gateway.commitTimeoutMs,
      intervalMs: file.recovery?.intervalMs ?? 1000,
    },
    usersFile: inFile(file.users),
  };
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
