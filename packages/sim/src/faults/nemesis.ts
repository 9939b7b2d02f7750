import type { Random } from '../engine/random';
import type { Scheduler } from '../engine/scheduler';
import type { Stats } from '../engine/stats';
import type { Trace } from '../engine/trace';
import type { Network } from '../net/network';
import { CLIENTS } from '../workload/clients';
import type { WorldConfig } from '../world/config';
import type { Crashes, SimNode } from '../world/context';

/**
 * The nemesis: while faults are on it crashes nodes (each restarts after a while, as a supervisor
 * would restart it), partitions pairs of nodes for a while, and changes the network's weather, at
 * random times drawn from the seed; nodes also ask it whether to crash at their crash points.
 * `calm` ends all that: partitions mend, the network calms, every node comes back.
 */
export class Nemesis implements Crashes {
  private on = true;
  private nodes: readonly SimNode[] = [];
  private gateways: readonly string[] = [];
  private others: readonly string[] = [];

  constructor(
    private readonly config: WorldConfig,
    private readonly scheduler: Scheduler,
    private readonly network: Network,
    private readonly trace: Trace,
    private readonly stats: Stats,
    private readonly random: Random,
  ) {}

  /** Whether faults are still being injected. */
  get active(): boolean {
    return this.on;
  }

  /** The nodes it may crash and partition. */
  manage(nodes: readonly SimNode[]): void {
    this.nodes = nodes;
    this.gateways = this.config.gateways;
    this.others = [...this.config.banks.map((b) => b.name), CLIENTS];
  }

  /** Starts striking. */
  start(): void {
    this.later();
  }

  strikes(rate: number): boolean {
    return this.on && this.random.chance(rate);
  }

  crash(node: SimNode, why: string): void {
    if (!node.alive) return;
    this.trace.add(`nemesis: ${node.name} crashes ${why}`, node.name);
    this.stats.count('crashes');
    node.crash();
    const { downMinMs, downMaxMs } = this.config.faults;
    this.scheduler.after(this.random.between(downMinMs, downMaxMs), () => {
      node.start();
    });
  }

  /** Faults stop: partitions mend, the network calms, every node that is down restarts. */
  calm(): void {
    this.on = false;
    this.network.mendAll();
    this.network.faults = { ...this.config.calm };
    this.trace.add('nemesis: faults stop; network calm, partitions mended, every node restarted');
    for (const node of this.nodes) node.start();
  }

  private later(): void {
    const gap = this.random.between(1, 2 * this.config.faults.nemesisGapMs);
    this.scheduler.after(gap, () => {
      if (!this.on) return;
      this.act();
      this.later();
    });
  }

  private act(): void {
    const roll = this.random.next();
    if (roll < 0.3) {
      const live = this.nodes.filter((n) => n.alive);
      if (live.length > 0) this.crash(this.random.pick(live), 'at a random time');
    } else if (roll < 0.65) {
      this.partition();
    } else if (roll < 0.85) {
      this.weather();
    }
  }

  /** Cuts a gateway instance off from a bank or from the clients, for a while. */
  private partition(): void {
    const a = this.random.pick(this.gateways);
    const b = this.random.pick(this.others);
    if (this.network.isCut(a, b)) return;
    this.network.cut(a, b);
    this.stats.count('partitions');
    const ms = this.random.between(1, this.config.faults.partitionMaxMs);
    this.trace.add(`nemesis: partition ${a} | ${b} for ${ms} ms`, a, b);
    this.scheduler.after(ms, () => {
      if (!this.on || !this.network.isCut(a, b)) return;
      this.network.mend(a, b);
      this.trace.add(`nemesis: partition ${a} | ${b} mended`, a, b);
    });
  }

  /** Storms and lulls: the drawn stormy network, a calm one, or a worse storm. */
  private weather(): void {
    const { stormy, calm } = this.config;
    const choice = this.random.int(3);
    this.network.faults =
      choice === 0
        ? { ...stormy }
        : choice === 1
          ? { ...calm }
          : { ...stormy, lossRate: Math.min(0.5, 2 * stormy.lossRate + 0.05) };
    this.trace.add(`nemesis: network ${['stormy', 'calm', 'very stormy'][choice] ?? ''}`);
  }
}
