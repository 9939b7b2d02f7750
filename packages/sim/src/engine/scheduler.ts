/**
 * Whether the process an event belongs to is still the one that scheduled it. A crash kills an
 * incarnation; its timers, commits and deliveries are then never run, exactly as a killed
 * process never runs its callbacks.
 */
export interface Fence {
  readonly alive: boolean;
}

/** A scheduled event that can still be called off. */
export interface Scheduled {
  cancel(): void;
}

/** Events nobody can kill: the network, the fault plan, the workload. */
export const FOREVER: Fence = { alive: true };

/** A scheduled event; it is its own handle (one allocation per event). */
class Entry implements Scheduled {
  cancelled = false;

  constructor(
    readonly at: number,
    readonly seq: number,
    readonly run: () => void,
    readonly fence: Fence,
  ) {}

  cancel(): void {
    this.cancelled = true;
  }
}

/** Orders entries by time, then by the order they were scheduled in (FIFO for ties). */
function before(x: Entry, y: Entry): boolean {
  return x.at < y.at || (x.at === y.at && x.seq < y.seq);
}

/**
 * A discrete-event scheduler: simulated time (integer milliseconds from 0) moves only when the
 * next event is taken, so a run is as fast as its events and always takes the same path. Ties
 * run in scheduling order. Cancelled events and events of dead incarnations are skipped.
 */
export class Scheduler {
  private readonly heap: Entry[] = [];
  private seq = 0;
  private time = 0;

  /** Simulated milliseconds since the start. */
  get now(): number {
    return this.time;
  }

  /** Events waiting, cancelled ones included until their time comes. */
  get size(): number {
    return this.heap.length;
  }

  /** Runs `run` at `now + ms` (rounded up to a whole millisecond, never in the past). */
  after(ms: number, run: () => void, fence: Fence = FOREVER): Scheduled {
    const delay = Number.isFinite(ms) && ms > 0 ? Math.ceil(ms) : 0;
    const entry = new Entry(this.time + delay, this.seq++, run, fence);
    this.push(entry);
    return entry;
  }

  /** The time of the next event that would run, or undefined if none is left. */
  peek(): number | undefined {
    this.dropDead();
    return this.heap[0]?.at;
  }

  /**
   * Takes the next live event, moves the clock to its time and runs it. False when none is left.
   * The caller lets the event's promise callbacks run before taking the next one.
   */
  step(): boolean {
    this.dropDead();
    const entry = this.pop();
    if (entry === undefined) return false;
    this.time = entry.at;
    entry.run();
    return true;
  }

  private dropDead(): void {
    for (;;) {
      const top = this.heap[0];
      if (top === undefined || (!top.cancelled && top.fence.alive)) return;
      this.pop();
    }
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Entry;
      if (!before(entry, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): Entry | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const l = heap[left] as Entry;
      const r = heap[right];
      const child = r !== undefined && before(r, l) ? right : left;
      const c = heap[child] as Entry;
      if (!before(c, last)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}
