import type { Agent } from 'node:https';
import type { Logger } from '@strife/runtime';
import type { Probes } from '../cluster/probes';
import { TrafficHistory } from '../metrics/history';
import type { Conservation } from '../money/conservation';
import type { StatusView } from '../shared/api';
import { buildStatus } from './buildStatus';
import { runPass } from './pass';

export interface PollerOptions {
  readonly probes: Probes;
  readonly agent: Agent;
  readonly conservation: Conservation;
  readonly inDoubtAfterMs: number;
  readonly logger: Logger;
  /** Pause between the end of one pass and the start of the next. Default 1000 ms. */
  readonly intervalMs?: number;
  /** How far back the charts go. Default 10 minutes. */
  readonly historyMs?: number;
}

/**
 * Looks at the whole cluster once a second (every call with its own deadline, so a dead service
 * only makes its own line UNREACHABLE) and hands each status to the subscribers: the HTTP API
 * serves the latest, the event stream pushes each. Passes never overlap.
 */
export class Poller {
  readonly history: TrafficHistory;
  private current: StatusView | undefined;
  private readonly waiting: ((status: StatusView) => void)[] = [];
  private readonly listeners = new Set<(status: StatusView) => void>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: PollerOptions) {
    this.history = new TrafficHistory({ windowMs: options.historyMs });
  }

  /** Starts passing over the cluster, the first pass now. */
  start(): void {
    this.tick();
  }

  /** The latest status; waits for the first pass if none has finished yet. */
  latest(): Promise<StatusView> {
    if (this.current) return Promise.resolve(this.current);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Calls `listener` with every new status until the returned function is called. */
  subscribe(listener: (status: StatusView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops after the pass under way, if any. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private tick(): void {
    if (this.stopped) return;
    this.running = this.pass()
      .catch((err: unknown) => {
        this.options.logger.error({ err }, 'a pass over the cluster failed; trying again');
      })
      .finally(() => {
        if (!this.stopped)
          this.timer = setTimeout(() => this.tick(), this.options.intervalMs ?? 1000);
      });
  }

  private async pass(): Promise<void> {
    const result = await runPass(this.options.probes, this.options.agent);
    const status = buildStatus(result, {
      targets: this.options.probes.targets,
      inDoubtAfterMs: this.options.inDoubtAfterMs,
      history: this.history,
      conservation: this.options.conservation,
    });
    this.current = status;
    for (const resolve of this.waiting.splice(0)) resolve(status);
    for (const listener of this.listeners) listener(status);
  }
}
