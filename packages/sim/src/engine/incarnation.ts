import type { Fence } from './scheduler';

/**
 * One life of a simulated process (a gateway instance or a bank): from its start to its crash.
 * Everything the process schedules is fenced by it, so nothing of a dead life ever runs again;
 * a restart is a new incarnation of the same node.
 */
export class Incarnation implements Fence {
  private live = true;

  constructor(
    /** The node's name: `gw1`, `SBI`, `c3`. */
    readonly node: string,
    /** 1 for the first life, then counting restarts. */
    readonly life: number,
  ) {}

  /** `gw1.2` is the second life of `gw1`. */
  get id(): string {
    return `${this.node}.${this.life}`;
  }

  get alive(): boolean {
    return this.live;
  }

  /** Whether this life has ended (a call, so that it is re-read after every await). */
  ended(): boolean {
    return !this.live;
  }

  /** Ends this life: its timers, commits, replies and messages are dropped from now on. */
  kill(): void {
    this.live = false;
  }
}
