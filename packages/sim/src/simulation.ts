import { finalChecks, unsettled, unsettledTags } from './checks/final';
import type { Violation } from './checks/violation';
import type { TraceEntry } from './engine/trace';
import type { Mutation } from './mutations';
import { buildWorld, type Built } from './world/build';
import { settleBoundMs, type WorldConfig } from './world/config';

/** One schedule to run. */
export interface ScheduleOptions {
  readonly seed: number;
  /** Events run while faults are on; then faults stop and the run must settle. */
  readonly steps: number;
  /** A mechanism to break (default none). */
  readonly mutation?: Mutation;
  /** Record a trace (slower; a failing seed is replayed with it). */
  readonly trace?: boolean;
}

/** What a schedule did, and the first property it broke, if any. */
export interface ScheduleResult {
  readonly seed: number;
  readonly world: WorldConfig;
  /** Events run in all, and while faults were on. */
  readonly steps: number;
  readonly faultSteps: number;
  /** Simulated time at the end, and when faults stopped, in ms. */
  readonly simulatedMs: number;
  readonly calmAtMs: number;
  /** How long it took to settle once faults stopped, and the bound it had, in ms. */
  readonly settleMs: number;
  readonly settleBoundMs: number;
  readonly payments: number;
  /** What the run did: messages, faults, protocol paths (see `Stats`). */
  readonly counts: Readonly<Record<string, number>>;
  readonly violation: Violation | undefined;
  readonly trace: readonly TraceEntry[];
}

/** How often, once faults stop, the run looks whether everything has settled (simulated ms). */
const PROBE_MS = 50;

/**
 * Lets every promise callback of the last event run before the next event. Node runs its tick
 * queue only once V8's microtask queue is empty (callbacks queued by callbacks included), so a
 * tick queued from a microtask resolves exactly when the event's work has run as far as it can
 * (the simulated code queues no ticks of its own). Unlike `setImmediate`, this never goes back
 * to the event loop, which costs a turn of libuv per event.
 */
function drain(): Promise<void> {
  return new Promise<void>((resolve) => {
    // Queued from inside a microtask, a tick runs after every microtask; from outside, before.
    queueMicrotask(() => {
      process.nextTick(resolve);
    });
  });
}

/**
 * Runs one schedule: the world the seed draws, `steps` events with faults on, then faults stop
 * and it runs until everything settles (or the bound passes: a liveness violation). Checkers run
 * after every event; the first violation ends the run. Same seed, steps and mutation: same run,
 * event for event.
 */
export async function runSchedule(options: ScheduleOptions): Promise<ScheduleResult> {
  const built = buildWorld(options.seed, options.mutation ?? 'none', options.trace ?? false);
  const { scheduler, trace, checker } = built;
  const fail = (error: unknown): void => {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    checker.violation('unexpected-error', `uncaught: ${message}`, []);
  };
  process.on('unhandledRejection', fail);
  let step = 0;
  const next = async (): Promise<boolean> => {
    try {
      if (!scheduler.step()) return false;
    } catch (error) {
      fail(error);
    }
    trace.step = ++step;
    await drain();
    checker.afterStep();
    return !checker.failed;
  };
  try {
    built.start();
    await drain();
    checker.afterStep();
    while (step < options.steps && !checker.failed) {
      if (!(await next())) break;
    }
    const faultSteps = step;
    const calmAtMs = scheduler.now;
    if (!checker.failed) await settle(built, calmAtMs, next);
    return {
      seed: options.seed,
      world: built.config,
      steps: step,
      faultSteps,
      simulatedMs: scheduler.now,
      calmAtMs,
      settleMs: scheduler.now - calmAtMs,
      settleBoundMs: settleBoundMs(built.config),
      payments: built.clients.payments,
      counts: built.stats.snapshot(),
      violation: checker.violations[0],
      trace: trace.entries,
    };
  } finally {
    process.off('unhandledRejection', fail);
    built.close();
  }
}

/** Faults stop; runs until everything settles and passes the final checks, or the bound passes. */
async function settle(built: Built, calmAtMs: number, next: () => Promise<boolean>): Promise<void> {
  const { scheduler, checker } = built;
  built.nemesis.calm();
  built.clients.stop();
  const bound = settleBoundMs(built.config);
  let probeAt = calmAtMs;
  for (;;) {
    if (scheduler.now >= probeAt) {
      const left = unsettled(built.ending());
      if (left === undefined) {
        finalChecks(built.ending(), (invariant, message, tags) => {
          checker.violation(invariant, message, tags);
        });
        return;
      }
      if (scheduler.now - calmAtMs > bound) {
        const tags = unsettledTags(built.ending(), built.clients.unanswered());
        checker.violation(
          'liveness',
          `not settled ${bound} ms after faults stopped: ${left}`,
          tags,
        );
        return;
      }
      probeAt = scheduler.now + PROBE_MS;
    }
    if (!(await next())) {
      if (!checker.failed) {
        const left = unsettled(built.ending()) ?? 'nothing';
        const tags = unsettledTags(built.ending(), built.clients.unanswered());
        checker.violation('liveness', `nothing left to happen, yet unsettled: ${left}`, tags);
      }
      return;
    }
  }
}
