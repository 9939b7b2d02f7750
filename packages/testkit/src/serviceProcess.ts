import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gatewayFromEnv } from '@strife/runtime';
import { type AppName, type Exit, spawnService, waitUntilServing } from './spawnService';
import type { TestCluster } from './testCluster';

export interface StartOptions {
  /** Extra environment, e.g. `BANK_NAME` or `STRIFE_FAILPOINTS`. */
  readonly env?: Readonly<Record<string, string>>;
  /** Wait for SERVING on this address before resolving. Default: the app's address in the cluster. */
  readonly address?: string;
  /** How long to wait for SERVING. Default 15000 ms. */
  readonly timeoutMs?: number;
  /** Wait for SERVING before resolving. Default true; false resolves once spawned. */
  readonly wait?: boolean;
  /** Options for node itself, before the script, e.g. `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
  /** Called with the process as soon as it is spawned, before the health wait (e.g. to track it for cleanup). */
  readonly onSpawn?: (service: ServiceProcess) => void;
  /** Also receives each output line as it comes (it is in the log file either way). Default none. */
  readonly onLine?: (line: string) => void;
}

/** A real service process started from `apps/<app>/dist/main.js`, its output kept in a log file. */
export interface ServiceProcess {
  readonly pid: number;
  readonly logFile: string;
  readonly exited: Promise<Exit>;
  /** Everything the process has written to stdout and stderr so far. */
  output(): string;
  /** Whether the process is still running. */
  alive(): boolean;
  /** Sends `signal` (default SIGKILL) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<Exit>;
}

let started = 0;

/**
 * Starts `app` for `cluster` and waits until it answers its health check; if it exits first or
 * the wait times out, it is killed and the error (with its log when it exited) is thrown.
 */
export async function startService(
  app: AppName,
  cluster: TestCluster,
  options: StartOptions = {},
): Promise<ServiceProcess> {
  const env = { ...process.env, ...cluster.env(options.env) };
  const label = app === 'bank' ? `bank-${env.BANK_NAME ?? ''}` : app;
  const logFile = join(cluster.dir, `${label}.${++started}.log`);
  const log = createWriteStream(logFile);
  // A test that has already removed its temp dir must not crash on a late write.
  log.on('error', () => undefined);
  const spawned = spawnService(app, {
    env,
    nodeArgs: options.nodeArgs,
    output: log,
    onLine: options.onLine,
  });
  void spawned.closed.then(() => log.end());
  const output = (): string => readFileSync(logFile, 'utf8');
  const service: ServiceProcess = {
    pid: spawned.pid,
    logFile,
    exited: spawned.exited,
    output,
    alive: () => spawned.alive(),
    kill: (signal) => spawned.kill(signal),
  };
  options.onSpawn?.(service);
  if (options.wait === false) return service;

  await waitUntilServing(
    spawned,
    options.address ?? addressOf(app, cluster, env),
    cluster.tls('monitor'),
    {
      label,
      timeoutMs: options.timeoutMs,
      describeExit: () => `:\n${output()}`,
    },
  );
  return service;
}

function addressOf(app: AppName, cluster: TestCluster, env: NodeJS.ProcessEnv): string {
  if (app === 'txid') return cluster.config.txid.address;
  if (app === 'gateway') return gatewayFromEnv(cluster.config, env).address;
  const bank = env.BANK_NAME;
  const entry = cluster.config.banks.find((b) => b.name === bank);
  if (!entry) throw new Error(`no bank ${bank ?? '(BANK_NAME unset)'} in the test cluster`);
  return entry.address;
}
