import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadTlsMaterial, repoRoot, waitForServing, type StrifeConfig } from '@strife/runtime';
import { BOLD, colourFor, formatLine, paint, RED } from './logLines';
import { clusterServices, type ServiceSpec } from './services';

export interface ClusterOptions {
  readonly config: StrifeConfig;
  /** Environment every child gets (STRIFE_CONFIG, STRIFE_DATA_DIR, …) on top of ours. */
  readonly env: Readonly<Record<string, string>>;
  /** Where prefixed output goes. */
  readonly print: (line: string) => void;
  readonly colour: boolean;
  /** Bring a child that died back after a second. Default false. */
  readonly restart?: boolean;
  /** Hide child log lines below this pino level (30 = info). Default 0: show everything. */
  readonly minLevel?: number;
}

interface Running {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  stopping: boolean;
}

const STOP_GRACE_MS = 5000;

/** The cluster's services as child processes with prefixed, colour-coded output. */
export class Cluster {
  readonly services: readonly ServiceSpec[];
  private readonly running = new Map<string, Running>();
  private readonly width: number;
  private closing = false;

  constructor(private readonly options: ClusterOptions) {
    this.services = clusterServices(options.config);
    this.width = Math.max(...this.services.map((s) => s.name.length));
  }

  /** Starts every service and resolves once each answers its health check. */
  async start(): Promise<void> {
    const [gateway, ...rest] = [...this.services].reverse();
    await Promise.all(rest.map((s) => this.startOne(s.name)));
    if (gateway) await this.startOne(gateway.name);
  }

  /** Starts one service (with `extraEnv`, e.g. failpoints) and waits until it is healthy. */
  async startOne(name: string, extraEnv: Readonly<Record<string, string>> = {}): Promise<void> {
    const spec = this.spec(name);
    const child = spawn(process.execPath, [join(repoRoot(), 'apps', spec.app, 'dist', 'main.js')], {
      env: { ...process.env, ...this.options.env, ...spec.env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const running: Running = { child, exited, stopping: false };
    this.running.set(name, running);
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => this.show(spec, line));
    }
    child.once('exit', (code, signal) => this.exited(spec, running, code, signal));
    const tls = loadTlsMaterial(this.options.config.certsDir, 'monitor');
    await Promise.race([
      waitForServing(spec.address, tls, { timeoutMs: 30_000 }),
      exited.then(() => {
        throw new Error(`${name} exited before it was healthy`);
      }),
    ]);
  }

  /** Kills one service with `signal` (SIGKILL by default: a crash) and waits for it to exit. */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const running = this.running.get(name);
    if (!running) return;
    running.stopping = true;
    running.child.kill(signal);
    await running.exited;
  }

  /** Stops every service with SIGTERM, then SIGKILL after a grace period. */
  async stop(): Promise<void> {
    this.closing = true;
    await Promise.all(
      [...this.running.keys()].map(async (name) => {
        const running = this.running.get(name);
        if (!running) return;
        running.stopping = true;
        running.child.kill('SIGTERM');
        const timer = setTimeout(() => running.child.kill('SIGKILL'), STOP_GRACE_MS);
        await running.exited;
        clearTimeout(timer);
      }),
    );
  }

  private exited(
    spec: ServiceSpec,
    running: Running,
    code: number | null,
    signal: NodeJS.Signals | null,
  ): void {
    if (this.running.get(spec.name) === running) this.running.delete(spec.name);
    if (running.stopping || this.closing) return;
    const how = signal ? `signal ${signal}` : `code ${code ?? '?'}`;
    this.options.print(paint(RED, `!!! ${spec.name} died (${how}) !!!`, this.options.colour));
    if (!this.options.restart) return;
    setTimeout(() => {
      if (this.closing) return;
      this.options.print(paint(BOLD, `restarting ${spec.name}`, this.options.colour));
      this.startOne(spec.name).catch((err: unknown) => {
        this.options.print(
          paint(RED, `${spec.name} did not come back: ${String(err)}`, this.options.colour),
        );
      });
    }, 1000);
  }

  private show(spec: ServiceSpec, line: string): void {
    const minLevel = this.options.minLevel ?? 0;
    if (minLevel > 0) {
      const level = /"level":(\d+)/.exec(line)?.[1];
      if (level !== undefined && Number(level) < minLevel) return;
    }
    const index = this.services.indexOf(spec);
    const prefix = paint(
      colourFor(index),
      `${spec.name.padEnd(this.width)} |`,
      this.options.colour,
    );
    this.options.print(`${prefix} ${formatLine(line, this.options.colour)}`);
  }

  private spec(name: string): ServiceSpec {
    const spec = this.services.find((s) => s.name === name);
    if (!spec) throw new Error(`no service ${name} in the cluster file`);
    return spec;
  }
}
