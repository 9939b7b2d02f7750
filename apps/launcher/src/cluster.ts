import { loadTlsMaterial, type StrifeConfig, type TlsMaterial } from '@strife/runtime';
import {
  ExitedBeforeServing,
  type Exit,
  spawnService,
  type SpawnedService,
  waitUntilServing,
} from '@strife/testkit';
import { BOLD, colourFor, paint, RED } from './colour';
import { CrashLoop, DEFAULT_RESTART_POLICY, describeCrash, type RestartPolicy } from './crashLoop';
import { formatLine, isRoutineOpsCall, levelOf } from './logLines';
import { clusterServices, type ServiceSpec } from './services';

export interface ClusterOptions {
  readonly config: StrifeConfig;
  /** Environment every child gets (STRIFE_CONFIG, STRIFE_DATA_DIR, …) on top of ours. */
  readonly env: Readonly<Record<string, string>>;
  /** Environment only gateway children get (e.g. STRIFE_DATABASE_URL). Default none. */
  readonly gatewayEnv?: Readonly<Record<string, string>>;
  /** Where prefixed output goes. */
  readonly print: (line: string) => void;
  readonly colour: boolean;
  /** Bring back a child that died, as `restartPolicy` says. Default false. */
  readonly restart?: boolean;
  /** Backoff and crash-loop limit for `restart`. Default `DEFAULT_RESTART_POLICY`. */
  readonly restartPolicy?: RestartPolicy;
  /** Called once a service crashed too often to restart; the caller stops the cluster. */
  readonly onGiveUp?: (name: string) => void;
  /** Hide child log lines below this pino level (30 = info). Default 0: show everything. */
  readonly minLevel?: number;
  /** How long a service may take to answer SERVING. Default 30000 ms. */
  readonly startTimeoutMs?: number;
}

interface Running {
  readonly service: SpawnedService;
  stopping: boolean;
}

const STOP_GRACE_MS = 5000;

/** The cluster's services as child processes with prefixed, colour-coded output. */
export class Cluster {
  readonly services: readonly ServiceSpec[];
  private readonly running = new Map<string, Running>();
  private readonly crashLoops = new Map<string, CrashLoop>();
  private readonly restarts = new Set<NodeJS.Timeout>();
  private readonly width: number;
  private readonly monitor: TlsMaterial;
  private closing = false;

  constructor(private readonly options: ClusterOptions) {
    this.services = clusterServices(options.config);
    this.width = Math.max(...this.services.map((s) => s.name.length));
    this.monitor = loadTlsMaterial(options.config.certsDir, 'monitor');
  }

  /**
   * Starts txid and the banks, then the gateways, and resolves once each answers its health
   * check. `extraEnv` adds environment for some services by name (e.g. failpoints).
   */
  async start(
    extraEnv: Readonly<Record<string, Readonly<Record<string, string>>>> = {},
  ): Promise<void> {
    const [gateways, rest] = [
      this.services.filter((s) => s.app === 'gateway'),
      this.services.filter((s) => s.app !== 'gateway'),
    ];
    for (const wave of [rest, gateways]) {
      await Promise.all(wave.map((s) => this.startOne(s.name, extraEnv[s.name])));
    }
  }

  /** Starts one service (with `extraEnv`, e.g. failpoints) and waits until it is healthy. */
  async startOne(name: string, extraEnv: Readonly<Record<string, string>> = {}): Promise<void> {
    const spec = this.spec(name);
    if (this.closing) throw new Error(`the cluster is stopping; ${name} was not started`);
    const gatewayEnv = spec.app === 'gateway' ? this.options.gatewayEnv : undefined;
    const service = spawnService(spec.app, {
      env: { ...process.env, ...this.options.env, ...gatewayEnv, ...spec.env, ...extraEnv },
      onLine: (line) => {
        this.show(spec, line);
      },
    });
    const running: Running = { service, stopping: false };
    this.running.set(name, running);
    void service.exited.then((exit) => {
      this.exited(spec, running, exit);
    });
    await waitUntilServing(service, spec.address, this.monitor, {
      label: name,
      timeoutMs: this.options.startTimeoutMs ?? 30_000,
    });
  }

  /** The process id of a running service, if it runs. */
  pid(name: string): number | undefined {
    return this.running.get(name)?.service.pid;
  }

  /** Kills one service with `signal` (SIGKILL by default: a crash) and waits for it to exit. */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const running = this.running.get(name);
    if (!running) return;
    running.stopping = true;
    await running.service.kill(signal);
  }

  /**
   * Stops every service: the gateways first, so they finish what they started while the banks
   * still answer, then the rest; each with SIGTERM, then SIGKILL after a grace period.
   */
  async stop(): Promise<void> {
    this.closing = true;
    for (const timer of this.restarts) clearTimeout(timer);
    this.restarts.clear();
    const gateways = this.services.filter((s) => s.app === 'gateway').map((s) => s.name);
    const rest = this.services.filter((s) => s.app !== 'gateway').map((s) => s.name);
    for (const wave of [gateways, rest]) {
      await Promise.all(wave.map((name) => this.stopOne(name)));
    }
  }

  private async stopOne(name: string): Promise<void> {
    const running = this.running.get(name);
    if (!running) return;
    running.stopping = true;
    const timer = setTimeout(() => void running.service.kill('SIGKILL'), STOP_GRACE_MS);
    await running.service.kill('SIGTERM');
    clearTimeout(timer);
  }

  private exited(spec: ServiceSpec, running: Running, exit: Exit): void {
    if (this.running.get(spec.name) === running) this.running.delete(spec.name);
    if (running.stopping || this.closing) return;
    const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.code ?? '?'}`;
    const say = (text: string): void => {
      this.options.print(paint(RED, `!!! ${text}`, this.options.colour));
    };
    if (!this.options.restart) {
      say(`${spec.name} died (${how})`);
      return;
    }
    const policy = this.options.restartPolicy ?? DEFAULT_RESTART_POLICY;
    let loop = this.crashLoops.get(spec.name);
    if (!loop) {
      loop = new CrashLoop(policy);
      this.crashLoops.set(spec.name, loop);
    }
    const decision = loop.crashed(Date.now());
    say(describeCrash(spec.name, how, decision, policy));
    if (decision.action === 'give-up') {
      this.options.onGiveUp?.(spec.name);
      return;
    }
    const timer = setTimeout(() => {
      this.restarts.delete(timer);
      this.restartOne(spec.name);
    }, decision.delayMs);
    this.restarts.add(timer);
  }

  private restartOne(name: string): void {
    if (this.closing) return;
    this.options.print(paint(BOLD, `restarting ${name}`, this.options.colour));
    this.startOne(name).then(
      () => {
        this.options.print(paint(BOLD, `${name} is back`, this.options.colour));
      },
      (err: unknown) => {
        // A death is reported (and counted) when it happens; only say what else went wrong.
        if (err instanceof ExitedBeforeServing || this.closing) return;
        const reason = err instanceof Error ? err.message : String(err);
        this.options.print(
          paint(RED, `!!! ${name} did not come back: ${reason}`, this.options.colour),
        );
      },
    );
  }

  private show(spec: ServiceSpec, line: string): void {
    if (isRoutineOpsCall(line)) return;
    const minLevel = this.options.minLevel ?? 0;
    const level = minLevel > 0 ? levelOf(line) : undefined;
    if (level !== undefined && level < minLevel) return;
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
