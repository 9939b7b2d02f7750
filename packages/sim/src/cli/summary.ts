import type { Explored } from './explore';

/** `12.3k`: a count, short. */
function short(n: number): string {
  return n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}

/** The lines that report an exploration: rate, what it covered, what failed. */
export function summarize(explored: Explored, steps: number, workers: number): string[] {
  const n = explored.outcomes.length;
  const seconds = explored.wallMs / 1000;
  const perSecond = n / seconds;
  const events = explored.outcomes.reduce((sum, o) => sum + o.steps, 0);
  const payments = explored.outcomes.reduce((sum, o) => sum + o.payments, 0);
  const failures = explored.outcomes.filter((o) => o.violation !== undefined);
  const slowest = explored.outcomes.reduce((max, o) => Math.max(max, o.settleShare), 0);
  const c = explored.counts;
  const covered = [
    `${short(payments)} payments`,
    `${short(c.crashes ?? 0)} crashes`,
    `${short(c.partitions ?? 0)} partitions`,
    `${short(c['messages lost'] ?? 0)} messages lost`,
    `${short(c['messages duplicated'] ?? 0)} duplicated`,
    `${short(c['coordinator TAKEN_OVER'] ?? 0)} takeovers`,
    `${short((c['in-doubt legs committed'] ?? 0) + (c['in-doubt legs aborted'] ?? 0))} in-doubt legs resolved by banks`,
    `${short(c['client retries'] ?? 0)} client retries`,
  ];
  return [
    `${n} schedules (${steps} faulty steps each, then settling) in ${seconds.toFixed(1)} s on ${workers} thread(s): ` +
      `${perSecond.toFixed(1)} schedules/s = ${Math.round(perSecond * 60)} schedules/min ` +
      `(${(explored.cpuMs / n).toFixed(1)} ms of CPU per schedule, all threads, ${Math.round(events / n)} events each)`,
    `covered: ${covered.join(', ')}`,
    `settling after faults took at most ${Math.round(slowest * 100)}% of its bound`,
    failures.length === 0
      ? 'no violations'
      : `${failures.length} failing seed(s): ${failures.map((f) => f.seed).join(', ')}`,
  ];
}
