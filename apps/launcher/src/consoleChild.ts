import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot, type StrifeConfig } from '@strife/runtime';

/**
 * Where the console listens when the cluster file has no `console` section; the console's own
 * default (apps/console/src/config/listenAddress.ts) is the same.
 */
export const DEFAULT_CONSOLE_ADDRESS = '127.0.0.1:50080';

/** `console.address` of the cluster file, or the console's default. */
export function consoleAddress(config: Pick<StrifeConfig, 'console'>): string {
  return config.console?.address ?? DEFAULT_CONSOLE_ADDRESS;
}

/**
 * Where to open the console: plain HTTP on a loopback host, HTTPS (with a monitor certificate in
 * the browser) anywhere else.
 */
export function consoleUrl(config: Pick<StrifeConfig, 'console'>): string {
  const address = consoleAddress(config);
  const host = address.slice(0, address.lastIndexOf(':'));
  const loopback = host.toLowerCase() === 'localhost' || /^127(\.\d{1,3}){3}$/.test(host);
  return `${loopback ? 'http' : 'https'}://${address}/`;
}

export interface ConsoleChildOptions {
  /** The child's whole environment (STRIFE_CONFIG and the rest). */
  readonly env: NodeJS.ProcessEnv;
  /** `console.address` (HOST:PORT): the child is up once it accepts connections there. */
  readonly address: string;
  /** Each line the child prints. */
  readonly onLine: (line: string) => void;
  /** Called when the child dies without being asked to stop, with how it ended. */
  readonly onDied: (how: string) => void;
  /** How long it may take to listen. Default 15000 ms. */
  readonly startTimeoutMs?: number;
}

const STOP_GRACE_MS = 5000;

/**
 * The operator console (`node apps/console/dist/main.js`) as a child of `pnpm start`. It is not
 * a gRPC service, so it is started here rather than through `spawnService`, and it is up once it
 * listens on its address (its first status follows within a second).
 */
export class ConsoleChild {
  private stopping = false;

  private constructor(
    private readonly child: ReturnType<typeof spawn>,
    private readonly exited: Promise<string>,
  ) {}

  /**
   * Starts the console and waits until it listens.
   * @throws Error saying how it ended if it exits first (a config error prints its own line), or
   *   that it did not listen in time (it is then killed).
   */
  static async start(options: ConsoleChildOptions): Promise<ConsoleChild> {
    const child = spawn(
      process.execPath,
      [join(repoRoot(), 'apps', 'console', 'dist', 'main.js')],
      {
        env: options.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', options.onLine);
    }
    child.once('error', () => undefined);
    const exited = new Promise<string>((resolve) => {
      child.once('exit', (code, signal) => {
        resolve(signal ? `signal ${signal}` : `code ${code ?? '?'}`);
      });
    });
    const running = new ConsoleChild(child, exited);
    void exited.then((how) => {
      if (!running.stopping) options.onDied(how);
    });
    const deadline = Date.now() + (options.startTimeoutMs ?? 15_000);
    let gone: string | undefined;
    void exited.then((how) => (gone = how));
    while (!(await listening(options.address))) {
      if (gone !== undefined) {
        running.stopping = true;
        throw new Error(`the console exited (${gone}) before listening on ${options.address}`);
      }
      if (Date.now() > deadline) {
        await running.stop();
        throw new Error(`the console did not listen on ${options.address} in time`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return running;
  }

  /** Stops it with SIGTERM (SIGKILL after a grace period) and waits for the exit. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    this.child.kill('SIGTERM');
    await this.exited;
    clearTimeout(timer);
  }
}

/** Whether something accepts TCP connections at `address` now. */
function listening(address: string): Promise<boolean> {
  const colon = address.lastIndexOf(':');
  return new Promise((resolve) => {
    const socket = connect({
      host: address.slice(0, colon),
      port: Number(address.slice(colon + 1)),
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
