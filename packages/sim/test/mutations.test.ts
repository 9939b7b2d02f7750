import { MUTATIONS, runSchedule, type Invariant, type Mutation } from '../src';
import { envInt, STEPS } from './env';

/** Seeds each broken mechanism may take to be caught (`STRIFE_SIM_MUTATION_SEEDS`). */
const BUDGET = envInt('STRIFE_SIM_MUTATION_SEEDS', 100);

/** The first seed (from 1) whose run breaks an invariant, within the budget. */
async function firstFailure(
  mutation: Mutation,
): Promise<{ seed: number; invariant: Invariant } | undefined> {
  for (let seed = 1; seed <= BUDGET; seed++) {
    const { violation } = await runSchedule({ seed, steps: STEPS, mutation });
    if (violation !== undefined) return { seed, invariant: violation.invariant };
  }
  return undefined;
}

describe('the checkers bite: with one mechanism broken, the simulator finds a violation', () => {
  it.each(MUTATIONS)(
    '%s',
    async (mutation) => {
      const found = await firstFailure(mutation);
      expect(found).toBeDefined();
      process.stdout.write(
        `${mutation}: seed ${found?.seed ?? '-'} breaks ${found?.invariant ?? '-'}\n`,
      );
    },
    300_000,
  );
});
