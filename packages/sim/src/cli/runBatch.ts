import { runSchedule } from '../simulation';
import type { Batch, Outcome } from './protocol';

/** Runs a batch of seeds one after the other, without traces. */
export async function runBatch(batch: Batch): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const seed of batch.seeds) {
    const r = await runSchedule({ seed, steps: batch.steps, mutation: batch.mutation });
    outcomes.push({
      seed,
      steps: r.steps,
      simulatedMs: r.simulatedMs,
      settleShare: r.settleMs / r.settleBoundMs,
      payments: r.payments,
      counts: r.counts,
      violation: r.violation,
    });
  }
  return outcomes;
}
