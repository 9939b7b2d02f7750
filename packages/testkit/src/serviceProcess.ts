import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gatewayFromEnv, repoRoot, waitForServing } from '@strife/runtime';
import type { TestCluster } from './testCluster';

export type AppName = 'txid' | 'bank' | 'gateway';

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
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
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

/** Starts `app` for `cluster` and waits until it answers its health check. */
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
  const script = join(repoRoot(), 'apps', app, 'dist', 'main.js');
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      log.end();
      resolve({ code, signal });
    });
  });
  const output = (): string => readFileSync(logFile, 'utf8');
  const service: ServiceProcess = {
    pid: child.pid ?? -1,
    logFile,
    exited,
    output,
    alive: () => child.exitCode === null && child.signalCode === null,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  options.onSpawn?.(service);
  if (options.wait === false) return service;

  const address = options.address ?? addressOf(app, cluster, env);
  const died = exited.then((exit) => {
    throw new Error(
      `${label} exited (${exit.code ?? exit.signal ?? '?'}) before serving:\n${output()}`,
    );
  });
  died.catch(() => undefined);
  try {
    await Promise.race([
      waitForServing(address, cluster.tls('monitor'), { timeoutMs: options.timeoutMs }),
      died,
    ]);
  } catch (err) {
    await service.kill();
    throw err;
  }
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
