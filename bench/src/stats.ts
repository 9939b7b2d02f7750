/** Percentiles and the like of one set of latencies, in milliseconds; `null` when empty. */
export interface LatencySummary {
  readonly count: number;
  readonly mean: number | null;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

/**
 * The nearest-rank percentile `p` (0 < p <= 100) of ascending `sorted`: the smallest value with
 * at least p% of the values at or below it. `null` for an empty list.
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? null;
}

/** Count, mean, p50, p90, p99 and max of `values` (not modified). */
export function summarize(values: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  const list = Array.from(sorted);
  let sum = 0;
  for (const v of list) sum += v;
  return {
    count: list.length,
    mean: list.length > 0 ? sum / list.length : null,
    p50: percentile(list, 50),
    p90: percentile(list, 90),
    p99: percentile(list, 99),
    max: list.length > 0 ? (list[list.length - 1] ?? null) : null,
  };
}

/** How one Pay call ended. */
export type Outcome =
  | { readonly kind: 'committed' }
  | { readonly kind: 'aborted'; readonly reason: string }
  | { readonly kind: 'error'; readonly status: string };

/** What the measured window saw; calls count by when they finished. */
export interface WindowFigures {
  readonly committed: number;
  readonly aborted: number;
  readonly errors: number;
  /** Calls that finished in the window, whatever their outcome. */
  readonly finished: number;
  readonly latencyCommitted: LatencySummary;
  readonly latencyAll: LatencySummary;
  /** Aborted payments by AbortReason name (`TIMEOUT`, `INSUFFICIENT_FUNDS`, …). */
  readonly abortsByReason: Readonly<Record<string, number>>;
  /** Failed calls by gRPC status name (`DEADLINE_EXCEEDED`, `UNAVAILABLE`, …). */
  readonly errorsByStatus: Readonly<Record<string, number>>;
}

/**
 * Collects outcomes. Every call counts toward the running totals (for the progress bar and the
 * final check); only calls finishing while the window is open count toward the figures.
 */
export class Recorder {
  /** COMMITTED answers over the whole run, warm-up included. */
  committedTotal = 0;
  /** Calls finished over the whole run. */
  finishedTotal = 0;
  private open = false;
  private readonly committedLatency: number[] = [];
  private readonly allLatency: number[] = [];
  private readonly aborts = new Map<string, number>();
  private readonly errors = new Map<string, number>();

  /** Starts counting toward the figures. */
  openWindow(): void {
    this.open = true;
  }

  /** Stops counting toward the figures; later calls still count toward the totals. */
  closeWindow(): void {
    this.open = false;
  }

  record(outcome: Outcome, latencyMs: number): void {
    this.finishedTotal++;
    if (outcome.kind === 'committed') this.committedTotal++;
    if (!this.open) return;
    this.allLatency.push(latencyMs);
    if (outcome.kind === 'committed') this.committedLatency.push(latencyMs);
    else if (outcome.kind === 'aborted') bump(this.aborts, outcome.reason);
    else bump(this.errors, outcome.status);
  }

  /** The window's figures so far. */
  figures(): WindowFigures {
    const aborted = sum(this.aborts);
    const errors = sum(this.errors);
    return {
      committed: this.committedLatency.length,
      aborted,
      errors,
      finished: this.allLatency.length,
      latencyCommitted: summarize(this.committedLatency),
      latencyAll: summarize(this.allLatency),
      abortsByReason: Object.fromEntries(this.aborts),
      errorsByStatus: Object.fromEntries(this.errors),
    };
  }
}

function bump(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function sum(counts: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const n of counts.values()) total += n;
  return total;
}
