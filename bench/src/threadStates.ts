import { readFileSync } from 'node:fs';
import type { Watched } from './cpu';

/**
 * How a process's main thread (for Node: the event loop) spent the window, from sampling its
 * scheduler state: on or waiting for a CPU, blocked on disk (fsync in a synchronous SQLite
 * commit), or idle (waiting for work). CPU time alone hides the blocked share; busy + disk near
 * 100% means the event loop is saturated.
 */
export interface ThreadStates {
  readonly name: string;
  readonly pid: number;
  readonly samples: number;
  /** Percent of samples in state R: on a CPU or waiting in the run queue for one. */
  readonly running: number | null;
  /** Percent in state D: uninterruptible sleep, i.e. waiting for the disk. */
  readonly disk: number | null;
  /** Percent in any other state (S: sleeping in epoll, waiting for work). */
  readonly idle: number | null;
}

/** The state letter (field 3) of a /proc/<pid>/task/<tid>/stat line, past the command name. */
export function parseState(text: string): string | undefined {
  const state = text.slice(text.lastIndexOf(')') + 2).split(' ', 1)[0];
  return state === '' ? undefined : state;
}

/**
 * Samples the main threads of `watched` every `periodMs` between `start` and `stop`. Not for
 * this process: sampling itself, it would always find itself running.
 */
export class ThreadStateSampler {
  private timer: NodeJS.Timeout | undefined;
  private readonly counts: Map<number, { running: number; disk: number; other: number }>;

  constructor(
    private readonly watched: readonly Watched[],
    private readonly periodMs = 20,
  ) {
    this.counts = new Map(watched.map((w) => [w.pid, { running: 0, disk: 0, other: 0 }]));
  }

  start(): void {
    this.timer = setInterval(() => this.sample(), this.periodMs);
    this.timer.unref();
  }

  /** Stops sampling and returns each main thread's share of states. */
  stop(): ThreadStates[] {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    return this.watched.map(({ name, pid }) => {
      const c = this.counts.get(pid) ?? { running: 0, disk: 0, other: 0 };
      const samples = c.running + c.disk + c.other;
      const share = (n: number): number | null => (samples > 0 ? (100 * n) / samples : null);
      return {
        name,
        pid,
        samples,
        running: share(c.running),
        disk: share(c.disk),
        idle: share(c.other),
      };
    });
  }

  private sample(): void {
    for (const { pid } of this.watched) {
      const counts = this.counts.get(pid);
      if (!counts) continue;
      let state: string | undefined;
      try {
        state = parseState(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8'));
      } catch {
        continue;
      }
      if (state === 'R') counts.running++;
      else if (state === 'D') counts.disk++;
      else if (state !== undefined) counts.other++;
    }
  }
}
