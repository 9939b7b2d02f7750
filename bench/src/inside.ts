import type { Agent } from 'node:https';
import { parsePrometheusText, scrapeMetrics, type Sample } from '@strife/runtime';

/** A service whose metrics the run reads: its display name and metrics address. */
export interface MetricsTarget {
  readonly name: string;
  readonly address: string;
}

/** Each target's samples at one moment, by target name. */
export type Scrape = ReadonlyMap<string, readonly Sample[]>;

/** What one round of scrapes read, and why each target it could not read failed. */
export interface ScrapeRound {
  readonly samples: Scrape;
  readonly failed: readonly string[];
}

/**
 * The histograms that time a payment's steps inside the services, each with the label that
 * names its rows: calls served (by method), the gateway's two 2PC phases, and group-commit
 * transactions (by store; one fsync each).
 */
const TIMED = [
  { metric: 'strife_grpc_call_seconds', label: 'grpc_method', what: (v: string) => v },
  { metric: 'strife_2pc_phase_seconds', label: 'phase', what: (v: string) => `2PC ${v}` },
  { metric: 'strife_group_commit_seconds', label: 'store', what: (v: string) => `commit ${v}` },
] as const;

/** One timed step at one service over the window. */
export interface InsideRow {
  readonly service: string;
  /** `Pay`, `ApplyLegs`, `2PC prepare`, `commit gateway`, … */
  readonly step: string;
  readonly count: number;
  readonly meanMs: number;
  /** For a group commit: writes per transaction over the window. */
  readonly writesPerCommit?: number;
}

/** Reads every target's metrics once, all at once; a target that fails is named with why. */
export async function scrapeAll(
  targets: readonly MetricsTarget[],
  agent: Agent,
): Promise<ScrapeRound> {
  const read = await Promise.all(
    targets.map((t) =>
      scrapeMetrics(t.address, agent).then(
        (text) => ({ name: t.name, samples: parsePrometheusText(text) }),
        (error: unknown) => ({
          name: t.name,
          why: error instanceof Error ? error.message : String(error),
        }),
      ),
    ),
  );
  // In the targets' order, so the report's rows come in the order of the services.
  const samples = new Map<string, readonly Sample[]>();
  const failed: string[] = [];
  for (const r of read) {
    if ('samples' in r) samples.set(r.name, r.samples);
    else failed.push(`${r.name}: ${r.why}`);
  }
  return { samples, failed };
}

/** The value of the sample `name` whose `label` is `value` (other labels ignored); 0 if none. */
function valueOf(samples: readonly Sample[], name: string, label: string, value: string): number {
  return samples.find((s) => s.name === name && s.labels[label] === value)?.value ?? 0;
}

/**
 * What each service's own histograms say about the window between two scrapes: per timed step,
 * how many it finished and their mean duration (the change of `_sum` over the change of
 * `_count`). Steps with nothing in the window are left out.
 */
export function insideBetween(before: Scrape, after: Scrape): InsideRow[] {
  const rows: InsideRow[] = [];
  for (const [service, samples] of after) {
    const earlier = before.get(service);
    if (earlier === undefined) continue;
    for (const { metric, label, what } of TIMED) {
      const counts = samples.filter((s) => s.name === `${metric}_count`);
      for (const sample of counts) {
        const value = sample.labels[label];
        if (value === undefined) continue;
        const count = sample.value - valueOf(earlier, `${metric}_count`, label, value);
        if (count <= 0) continue;
        const sum =
          valueOf(samples, `${metric}_sum`, label, value) -
          valueOf(earlier, `${metric}_sum`, label, value);
        const row: InsideRow = { service, step: what(value), count, meanMs: (sum / count) * 1000 };
        if (metric === 'strife_group_commit_seconds') {
          const writes =
            valueOf(samples, 'strife_group_commit_writes_sum', label, value) -
            valueOf(earlier, 'strife_group_commit_writes_sum', label, value);
          rows.push({ ...row, writesPerCommit: writes / count });
        } else {
          rows.push(row);
        }
      }
    }
  }
  return rows;
}
