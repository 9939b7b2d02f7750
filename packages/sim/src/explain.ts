import { formatEntry, type TraceEntry } from './engine/trace';
import type { Mutation } from './mutations';
import { runSchedule, type ScheduleResult } from './simulation';

/** Lines of a minimal trace at most; the earliest are dropped. */
const MAX_LINES = 120;

/** Whether a tag names a transaction or a key (rather than a node). */
function isSubject(tag: string): boolean {
  return tag.startsWith('tx:') || tag.startsWith('key:');
}

/** Whether an entry is a fault or a life event (crash, start, partition, weather). */
function isFault(entry: TraceEntry): boolean {
  return (
    entry.text.startsWith('nemesis:') || / (crashed|started|starting|serving)\b/.test(entry.text)
  );
}

/**
 * The events that led to a run's violation: every trace line about the transactions and keys it
 * names (and the keys or transactions those lines link them to: a client's request and the
 * txid it got), with the crashes, restarts and partitions of the nodes involved, up to the step
 * the checker saw it. The whole trace of a failing seed runs to thousands of lines; this is what
 * a reader needs first.
 */
export function minimalTrace(result: ScheduleResult): TraceEntry[] {
  const violation = result.violation;
  if (violation === undefined) return [];
  const upTo = result.trace.filter((e) => e.step <= violation.step);
  const subjects = new Set(violation.tags.filter(isSubject));
  if (subjects.size === 0) for (const tag of violation.tags) subjects.add(tag);
  for (const entry of upTo) {
    if (entry.tags.some((t) => subjects.has(t))) {
      for (const tag of entry.tags) if (isSubject(tag)) subjects.add(tag);
    }
  }
  const about = upTo.filter((e) => e.tags.some((t) => subjects.has(t)));
  const nodes = new Set(about.flatMap((e) => e.tags.filter((t) => !isSubject(t))));
  const relevant = upTo.filter(
    (e) =>
      e.tags.some((t) => subjects.has(t)) ||
      (isFault(e) && (e.tags.length === 0 || e.tags.some((t) => nodes.has(t)))),
  );
  return relevant.slice(-MAX_LINES);
}

/** How to replay a run exactly. */
export function replayCommand(seed: number, steps: number, mutation: Mutation): string {
  const broken = mutation === 'none' ? '' : ` --mutation ${mutation}`;
  return `pnpm sim --seed ${seed} --steps ${steps}${broken}`;
}

/** A failing run, explained: the violation, how to replay it, and its minimal trace. */
export function describeFailure(
  result: ScheduleResult,
  steps: number,
  mutation: Mutation,
): string[] {
  const v = result.violation;
  if (v === undefined) return [];
  const trace = minimalTrace(result);
  return [
    `seed ${result.seed}: ${v.invariant} at step ${v.step} (${v.at} ms): ${v.message}`,
    `  replay: ${replayCommand(result.seed, steps, mutation)}`,
    ...(trace.length === 0
      ? []
      : [
          `  the events that led to it (${trace.length} of ${result.trace.length} trace lines):`,
          ...trace.map((e) => `    ${formatEntry(e)}`),
        ]),
  ];
}

/** Runs a seed again with the trace on (it replays exactly) and explains its failure. */
export async function explain(
  seed: number,
  steps: number,
  mutation: Mutation,
): Promise<{ readonly result: ScheduleResult; readonly lines: string[] }> {
  const result = await runSchedule({ seed, steps, mutation, trace: true });
  return { result, lines: describeFailure(result, steps, mutation) };
}
