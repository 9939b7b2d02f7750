import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { addCounts } from '../engine/stats';
import type { Mutation } from '../mutations';
import type { Batch, BatchDone, Outcome } from './protocol';
import { runBatch } from './runBatch';

/** How to explore: which seeds, how long each runs, on how many threads. */
export interface Exploration {
  readonly first: number;
  readonly seeds: number;
  readonly steps: number;
  readonly mutation: Mutation;
  readonly workers: number;
  /** Called with the outcomes so far, now and then (progress). */
  readonly progress?: (done: number) => void;
}

/** What an exploration found, and how fast. */
export interface Explored {
  readonly outcomes: readonly Outcome[];
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly counts: Record<string, number>;
}

/** Seeds per message to a worker: big enough to be cheap, small enough to balance the threads. */
const BATCH = 8;

/** Runs the seeds `first`, `first + 1`, …, in this thread or spread over worker threads. */
export async function explore(options: Exploration): Promise<Explored> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const seeds = Array.from({ length: options.seeds }, (_, i) => options.first + i);
  const outcomes =
    options.workers <= 1 ? await inThisThread(seeds, options) : await inWorkers(seeds, options);
  const used = process.cpuUsage(cpu);
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) addCounts(counts, outcome.counts);
  outcomes.sort((a, b) => a.seed - b.seed);
  return {
    outcomes,
    wallMs: performance.now() - started,
    cpuMs: (used.user + used.system) / 1000,
    counts,
  };
}

async function inThisThread(seeds: number[], options: Exploration): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (let i = 0; i < seeds.length; i += BATCH) {
    const batch = {
      seeds: seeds.slice(i, i + BATCH),
      steps: options.steps,
      mutation: options.mutation,
    };
    outcomes.push(...(await runBatch(batch)));
    options.progress?.(outcomes.length);
    // Let the event loop breathe between batches (signals, stdout).
    await new Promise((resolve) => setImmediate(resolve));
  }
  return outcomes;
}

function inWorkers(seeds: number[], options: Exploration): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  const take = (): Batch | undefined => {
    if (next >= seeds.length) return undefined;
    const batch = {
      seeds: seeds.slice(next, next + BATCH),
      steps: options.steps,
      mutation: options.mutation,
    };
    next += BATCH;
    return batch;
  };
  const workers = Math.min(options.workers, Math.ceil(seeds.length / BATCH));
  return new Promise<Outcome[]>((resolve, reject) => {
    let running = workers;
    for (let w = 0; w < workers; w++) {
      const worker = new Worker(join(__dirname, 'worker.js'));
      const feed = (): void => {
        const batch = take();
        if (batch === undefined) {
          void worker.terminate();
          running -= 1;
          if (running === 0) resolve(outcomes);
          return;
        }
        worker.postMessage(batch);
      };
      worker.on('message', (done: BatchDone) => {
        outcomes.push(...done.outcomes);
        options.progress?.(outcomes.length);
        feed();
      });
      worker.on('error', reject);
      feed();
    }
  });
}
