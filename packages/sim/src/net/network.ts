import type { Random } from '../engine/random';
import type { Scheduler } from '../engine/scheduler';
import type { Stats } from '../engine/stats';
import type { Trace } from '../engine/trace';

/** How the network misbehaves; the fault plan changes it over a run, and calms it at the end. */
export interface NetworkFaults {
  /** Chance that a message is lost. */
  lossRate: number;
  /** Chance that a message arrives twice (each copy with its own delay). */
  duplicateRate: number;
  /** Usual one-way delay, uniform in [min, max] ms; independent delays reorder messages. */
  minDelayMs: number;
  maxDelayMs: number;
  /** Chance of a delay spike, uniform in (max, spikeMaxMs]: a message that outlives timeouts. */
  spikeRate: number;
  spikeMaxMs: number;
}

/** Who sends a message: a node, and whether the life sending it is still alive. */
export interface Sender {
  readonly node: string;
  readonly alive: boolean;
}

/** A trace line for a message: what it is and what it concerns. */
export interface Note {
  readonly text: string;
  readonly tags: readonly string[];
}

/**
 * The simulated network between nodes: every message is delayed, and may be lost, duplicated
 * or overtaken by a later one, all drawn from the seed. Partitions cut pairs of nodes both ways,
 * checked as a message leaves and again as it arrives. A message in flight outlives its sender.
 */
export class Network {
  private readonly cuts = new Set<string>();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly random: Random,
    private readonly trace: Trace,
    private readonly stats: Stats,
    /** Current behaviour; mutable. */
    public faults: NetworkFaults,
  ) {}

  /** Cuts `a` off from `b`, both ways, until `mend`. */
  cut(a: string, b: string): void {
    this.cuts.add(pair(a, b));
  }

  mend(a: string, b: string): void {
    this.cuts.delete(pair(a, b));
  }

  mendAll(): void {
    this.cuts.clear();
  }

  isCut(a: string, b: string): boolean {
    return this.cuts.size > 0 && this.cuts.has(pair(a, b));
  }

  /** Partitions in force, as `a|b`, sorted. */
  partitions(): string[] {
    return [...this.cuts].sort();
  }

  /**
   * Sends a message from a live sender to node `to`; `deliver` runs on arrival (the receiver
   * decides what arrival means if it is down). A dead sender sends nothing.
   */
  send(from: Sender, to: string, note: Note | undefined, deliver: () => void): void {
    if (!from.alive) return;
    this.stats.count('messages');
    if (this.isCut(from.node, to)) {
      this.stats.count('messages cut off');
      this.log(note, 'cut off');
      return;
    }
    const f = this.faults;
    if (this.random.chance(f.lossRate)) {
      this.stats.count('messages lost');
      this.log(note, 'lost');
      return;
    }
    const copies = this.random.chance(f.duplicateRate) ? 2 : 1;
    if (copies === 2) this.stats.count('messages duplicated');
    for (let copy = 0; copy < copies; copy++) {
      const delay = this.random.chance(f.spikeRate)
        ? this.random.between(f.maxDelayMs + 1, Math.max(f.spikeMaxMs, f.maxDelayMs + 1))
        : this.random.between(f.minDelayMs, f.maxDelayMs);
      if (note !== undefined) {
        this.log(note, copy === 0 ? `sent, ${delay} ms` : `duplicated, ${delay} ms`);
      }
      this.scheduler.after(delay, () => {
        if (this.isCut(from.node, to)) {
          this.stats.count('messages cut off');
          this.log(note, 'cut off on arrival');
          return;
        }
        deliver();
      });
    }
  }

  private log(note: Note | undefined, what: string): void {
    if (note !== undefined) this.trace.add(`${note.text} (${what})`, ...note.tags);
  }
}

function pair(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
