import { runSchedule } from '../src';
import { describeFailure } from '../src/explain';
import { envInt, STEPS } from './env';

/** How many seeds, from which: `STRIFE_SIM_SEEDS` (default 60) from `STRIFE_SIM_FIRST` (1). */
const SEEDS = envInt('STRIFE_SIM_SEEDS', 60);
const FIRST = envInt('STRIFE_SIM_FIRST', 1);

describe(`${SEEDS} fault schedules from seed ${FIRST}`, () => {
  it('keep every invariant, and settle once faults stop', async () => {
    const failures: string[] = [];
    let payments = 0;
    for (let seed = FIRST; seed < FIRST + SEEDS; seed++) {
      const result = await runSchedule({ seed, steps: STEPS });
      payments += result.payments;
      if (result.violation !== undefined) {
        // Replay with the trace to show how it happened.
        const traced = await runSchedule({ seed, steps: STEPS, trace: true });
        failures.push(describeFailure(traced, STEPS, 'none').join('\n'));
      }
    }
    expect(payments).toBeGreaterThan(SEEDS);
    expect(failures).toEqual([]);
  }, 600_000);
});
