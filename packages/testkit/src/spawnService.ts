import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { repoRoot, waitForServing, type TlsMaterial } from '@strife/runtime';

/** The apps that run as services, each built to `apps/<app>/dist/main.js`. */
export type AppName = 'txid' | 'bank' | 'gateway';

/** How a process ended: its exit code, or the signal that ended it. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface SpawnOptions {
  /** The process's whole environment (nothing is added from this process's). */
  readonly env: NodeJS.ProcessEnv;
  /** Options for node itself, before the script, e.g. `--cpu-prof`. Default none. */
  readonly nodeArgs?: readonly string[];
  /** Receives stdout and stderr as they come, byte for byte; it is not ended. Default none. */
  readonly output?: Writable;
  /** Receives each line of stdout and stderr as it comes (e.g. to print it live). Default none. */
  readonly onLine?: (line: string) => void;
}

/** A running `node apps/<app>/dist/main.js`. */
export interface SpawnedService {
  readonly pid: number;
  /** Resolves when the process has exited. */
  readonly exited: Promise<Exit>;
  /** Resolves once it has exited and everything it printed has been delivered. */
  readonly closed: Promise<Exit>;
  /** Whether the process is still running. */
  alive(): boolean;
  /** Sends `signal` (default SIGKILL) unless it has exited, and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<Exit>;
}

/**
 * Starts `node [nodeArgs] apps/<app>/dist/main.js` with piped output. The one way Strife's
 * launcher, tests, e2e and bench start a service; `waitUntilServing` then waits for it.
 */
export function spawnService(app: AppName, options: SpawnOptions): SpawnedService {
  const script = join(repoRoot(), 'apps', app, 'dist', 'main.js');
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script], {
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (options.output) stream.pipe(options.output, { end: false });
    const onLine = options.onLine;
    if (onLine) createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine);
  }
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
    });
  });
  const closed = new Promise<Exit>((resolve) => {
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      resolve({ code, signal });
    });
  });
  // A process that cannot be spawned at all reports it here, then 'close'; keep it from throwing.
  child.once('error', () => undefined);
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;
  return {
    pid: child.pid ?? -1,
    exited,
    closed,
    alive,
    kill(signal = 'SIGKILL') {
      if (alive()) child.kill(signal);
      return exited;
    },
  };
}

/** The service exited while `waitUntilServing` waited for it. */
export class ExitedBeforeServing extends Error {
  constructor(
    readonly label: string,
    readonly exit: Exit,
    detail = '',
  ) {
    super(`${label} exited (${exit.code ?? exit.signal ?? '?'}) before serving${detail}`);
    this.name = 'ExitedBeforeServing';
  }
}

export interface ServingOptions {
  /** Names the service in errors, e.g. `bank-SBI`. */
  readonly label: string;
  /** How long to wait for SERVING. Default 15000 ms. */
  readonly timeoutMs?: number;
  /** Text appended to the error when the service exits first, e.g. its log. Default none. */
  readonly describeExit?: () => string;
}

/**
 * Resolves once `service` answers its gRPC health check at `address` with SERVING, probing with
 * `tls` (a `monitor` certificate can probe every service). If it exits first this throws
 * `ExitedBeforeServing`; if the wait times out the service is killed (SIGKILL), so nothing
 * half-started lingers, and the health check's error is thrown.
 */
export async function waitUntilServing(
  service: SpawnedService,
  address: string,
  tls: TlsMaterial,
  options: ServingOptions,
): Promise<void> {
  const died = service.closed.then((exit) => {
    throw new ExitedBeforeServing(options.label, exit, options.describeExit?.() ?? '');
  });
  died.catch(() => undefined);
  try {
    await Promise.race([waitForServing(address, tls, { timeoutMs: options.timeoutMs }), died]);
  } catch (err) {
    await service.kill();
    throw err;
  }
}
