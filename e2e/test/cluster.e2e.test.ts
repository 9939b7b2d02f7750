import { createTestDatabase } from '@strife/postgres/testing';
import { BankTest } from './scenario';

/**
 * The bank test against three gateway instances sharing one PostgreSQL: instances are killed
 * one at a time and all at once, clients fail over between them and race the same key across
 * them. STRIFE_E2E_SEED replays a run; STRIFE_E2E_SECONDS sets how long faults run (default
 * 30); STRIFE_E2E_RUNS runs that many seeds one after another (default 1), each on a fresh
 * cluster and database.
 */
const first = Number(process.env.STRIFE_E2E_SEED ?? Math.floor(Math.random() * 2 ** 31));
const seconds = Number(process.env.STRIFE_E2E_SECONDS ?? 30);
const runs = Number(process.env.STRIFE_E2E_RUNS ?? 1);
const seeds = Array.from({ length: runs }, (_, i) => (first + i) % 2 ** 31);

describe(`bank test, three gateways on PostgreSQL (${seconds} s of faults per seed)`, () => {
  let test: BankTest | undefined;
  afterEach(() => test?.stop());

  it.each(seeds)(
    'keeps money conserved and every answer true on every instance while they crash (seed %i)',
    async (seed) => {
      process.stdout.write(
        `cluster bank test seed ${seed} (replay with STRIFE_E2E_SEED=${seed})\n`,
      );
      test = new BankTest({
        seed,
        seconds,
        gateways: 3,
        database: await createTestDatabase('e2e'),
      });
      const { problems, summary } = await test.run();
      process.stdout.write(`${summary}\n`);
      expect(problems).toEqual([]);
    },
  );
});
