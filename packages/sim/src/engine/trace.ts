/** One line of a trace: what happened, when, and what it concerns (for filtering). */
export interface TraceEntry {
  /** The simulation step (event number) it happened in. */
  readonly step: number;
  /** Simulated milliseconds since the start. */
  readonly at: number;
  readonly text: string;
  /** What it concerns: node names (`gw1`, `SBI`), `tx:<txid>`, `key:<key>`. */
  readonly tags: readonly string[];
}

/**
 * The record of a run. Off by default, because building every line costs more than the events
 * themselves: a failing seed is simply run again with the trace on, and replays exactly.
 * Callers check `on` before building a line.
 */
export class Trace {
  readonly entries: TraceEntry[] = [];
  step = 0;

  constructor(
    /** Whether lines are recorded at all. */
    readonly on: boolean,
    private readonly clock: () => number,
  ) {}

  add(text: string, ...tags: string[]): void {
    if (!this.on) return;
    this.entries.push({ step: this.step, at: this.clock(), text, tags });
  }

  /** The lines that concern any of `tags`, in order. */
  concerning(tags: readonly string[]): TraceEntry[] {
    const wanted = new Set(tags);
    return this.entries.filter((e) => e.tags.some((t) => wanted.has(t)));
  }
}

/** `[step 12 @ 340ms] text`. */
export function formatEntry(entry: TraceEntry): string {
  return `[${String(entry.step).padStart(5)} @ ${String(entry.at).padStart(6)}ms] ${entry.text}`;
}
