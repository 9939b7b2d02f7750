import type { TestSystem } from '@strife/testkit';

/**
 * Restarts services on demand (optionally with failpoints armed) and brings back any that die
 * on their own, e.g. when an armed failpoint fires. One restart per service at a time. Services
 * are named as `TestSystem` names its processes: `txid`, a bank's name, `gateway` or
 * `gateway-gw1`….
 */
export class Supervisor {
  private readonly generation = new Map<string, number>();
  private readonly busy = new Map<string, Promise<void>>();
  private readonly armed = new Map<string, string>();
  /** When each service went down or came up (healthy), in order. */
  private readonly changes: { name: string; at: number; up: boolean }[] = [];
  private stopped = false;
  readonly log: string[] = [];

  constructor(
    private readonly system: TestSystem,
    readonly services: readonly string[],
  ) {}

  /** Kills `name` with SIGKILL (if running) and starts it again, with `failpoints` if given. */
  restart(name: string, failpoints?: string, pauseMs = 0): Promise<void> {
    return this.serially(name, async () => {
      await this.killNow(name);
      if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
      await this.startNow(name, failpoints);
    });
  }

  /**
   * Kills every one of `names` at once (e.g. every gateway instance), keeps them down for
   * `pauseMs`, then brings them all back.
   */
  async restartTogether(names: readonly string[], pauseMs: number): Promise<void> {
    this.log.push(`${stamp()} kill together: ${names.join(', ')}`);
    await Promise.all(names.map((name) => this.serially(name, () => this.killNow(name))));
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    await Promise.all(names.map((name) => this.serially(name, () => this.startNow(name))));
  }

  /**
   * Whether `name` was up (started and healthy, not killed) for the whole of [from, to]. A
   * service the supervisor never touched counts as up.
   */
  upThroughout(name: string, from: number, to: number): boolean {
    const mine = this.changes.filter((c) => c.name === name);
    const before = mine.filter((c) => c.at <= from).at(-1);
    return (before?.up ?? true) && !mine.some((c) => c.at > from && c.at <= to);
  }

  /** Stops bringing services back and waits for restarts under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.busy.values()]);
  }

  /** Waits for pending restarts, then makes every service run with no failpoint armed. */
  async settle(): Promise<void> {
    await this.stop();
    this.stopped = false;
    for (const name of this.services) {
      const running = this.system.processes.get(name);
      if (!running?.alive() || this.armed.has(name)) await this.restart(name);
    }
    this.stopped = true;
  }

  private serially(name: string, work: () => Promise<void>): Promise<void> {
    const previous = this.busy.get(name) ?? Promise.resolve();
    const next = previous.then(work);
    this.busy.set(
      name,
      next.catch(() => undefined),
    );
    return next;
  }

  private async killNow(name: string): Promise<void> {
    this.generation.set(name, (this.generation.get(name) ?? 0) + 1);
    this.changes.push({ name, at: Date.now(), up: false });
    await this.system.kill(name);
  }

  private async startNow(name: string, failpoints?: string): Promise<void> {
    const generation = (this.generation.get(name) ?? 0) + 1;
    this.generation.set(name, generation);
    this.log.push(`${stamp()} restart ${name}${failpoints ? ` with ${failpoints}` : ''}`);
    this.armed.delete(name);
    try {
      await this.start(name, failpoints);
      this.log.push(`${stamp()} ${name} is pid ${this.system.process(name).pid}`);
      if (failpoints) this.armed.set(name, failpoints);
    } catch (err) {
      if (!failpoints) throw err;
      this.log.push(`${stamp()} ${name} hit ${failpoints} while starting`);
      await this.start(name, undefined);
    }
    this.changes.push({ name, at: Date.now(), up: true });
    this.watch(name, generation);
  }

  private watch(name: string, generation: number): void {
    const process = this.system.processes.get(name);
    void process?.exited.then(() => {
      if (this.stopped || this.generation.get(name) !== generation) return;
      this.changes.push({ name, at: Date.now(), up: false });
      this.log.push(`${stamp()} ${name} died on its own`);
      return this.restart(name);
    });
  }

  private start(name: string, failpoints: string | undefined): Promise<void> {
    if (name === 'txid') return this.system.startTxid();
    if (name.startsWith('gateway')) return this.system.startGateway(failpoints, name);
    return this.system.startBank(name, failpoints);
  }
}

function stamp(): string {
  return new Date().toISOString();
}
