import type { Violation } from '../checks/violation';
import type { Mutation } from '../mutations';

/** What to run: a batch of seeds, all with the same steps and mutation. */
export interface Batch {
  readonly seeds: readonly number[];
  readonly steps: number;
  readonly mutation: Mutation;
}

/** One seed's run, as a worker reports it (no trace: a failure is replayed to explain it). */
export interface Outcome {
  readonly seed: number;
  readonly steps: number;
  readonly simulatedMs: number;
  /** Time to settle once faults stopped, as a share of its bound. */
  readonly settleShare: number;
  readonly payments: number;
  readonly counts: Readonly<Record<string, number>>;
  readonly violation: Violation | undefined;
}

/** From a worker: its outcomes for the batch it was given. */
export interface BatchDone {
  readonly outcomes: readonly Outcome[];
}
