import type { TestSystem } from '@strife/testkit';

export const SERVICES = ['txid', 'ICICI', 'SBI', 'gateway'] as const;
export type ServiceName = (typeof SERVICES)[number];

/**
 * Restarts services on demand (optionally with failpoints armed) and brings back any that die
 * on their own, e.g. when an armed failpoint fires. One restart per service at a time.
 */
export class Supervisor {
  private readonly generation = new Map<ServiceName, number>();
  private readonly busy = new Map<ServiceName, Promise<void>>();
  private readonly armed = new Map<ServiceName, string>();
  private stopped = false;
  readonly log: string[] = [];

  constructor(private readonly system: TestSystem) {}

  /** Kills `name` with SIGKILL (if running) and starts it again, with `failpoints` if given. */
  restart(name: ServiceName, failpoints?: string, pauseMs = 0): Promise<void> {
    const previous = this.busy.get(name) ?? Promise.resolve();
    const next = previous.then(async () => {
      const generation = (this.generation.get(name) ?? 0) + 1;
      this.generation.set(name, generation);
      await this.system.kill(name);
      if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
      this.log.push(
        `${new Date().toISOString()} restart ${name}${failpoints ? ` with ${failpoints}` : ''}`,
      );
      this.armed.delete(name);
      try {
        await this.start(name, failpoints);
        this.log.push(
          `${new Date().toISOString()} ${name} is pid ${this.system.process(name).pid}`,
        );
        if (failpoints) this.armed.set(name, failpoints);
      } catch (err) {
        if (!failpoints) throw err;
        this.log.push(`${new Date().toISOString()} ${name} hit ${failpoints} while starting`);
        await this.start(name, undefined);
      }
      this.watch(name, generation);
    });
    this.busy.set(
      name,
      next.catch(() => undefined),
    );
    return next;
  }

  /** Stops bringing services back and waits for restarts under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.busy.values()]);
  }

  /** Waits for pending restarts, then makes every service run with no failpoint armed. */
  async settle(): Promise<void> {
    await this.stop();
    for (const name of SERVICES) {
      const running = this.system.processes.get(name);
      if (!running?.alive() || this.armed.has(name)) {
        await this.restart(name);
      }
    }
  }

  private watch(name: ServiceName, generation: number): void {
    const process = this.system.processes.get(name);
    void process?.exited.then(() => {
      if (this.stopped || this.generation.get(name) !== generation) return;
      this.log.push(`${new Date().toISOString()} ${name} died on its own`);
      return this.restart(name);
    });
  }

  private start(name: ServiceName, failpoints: string | undefined): Promise<void> {
    if (name === 'txid') return this.system.startTxid();
    if (name === 'gateway') return this.system.startGateway(failpoints);
    return this.system.startBank(name, failpoints);
  }
}
