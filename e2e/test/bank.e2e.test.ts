import { BankTest } from './scenario';

/**
 * The bank test against one gateway on SQLite. STRIFE_E2E_SEED replays a run;
 * STRIFE_E2E_SECONDS sets how long faults run (default 30).
 */
const seed = Number(process.env.STRIFE_E2E_SEED ?? Math.floor(Math.random() * 2 ** 31));
const seconds = Number(process.env.STRIFE_E2E_SECONDS ?? 30);

describe(`bank test, one gateway (seed ${seed}, ${seconds} s of faults)`, () => {
  const test = new BankTest({ seed, seconds, gateways: 1 });
  afterAll(() => test.stop());

  it('keeps money conserved and every answer true while processes crash', async () => {
    process.stdout.write(`bank test seed ${seed} (replay with STRIFE_E2E_SEED=${seed})\n`);
    const { problems, summary } = await test.run();
    process.stdout.write(`${summary}\n`);
    expect(problems).toEqual([]);
  });
});
