import { formatEntry, runSchedule, type ScheduleResult } from '../src';
import { STEPS } from './env';

/** Everything a run shows, as text: the trace line by line, then its outcome. */
function transcript(result: ScheduleResult): string[] {
  return [
    ...result.trace.map(formatEntry),
    JSON.stringify({ ...result, trace: result.trace.length }, (_key, value: unknown) =>
      typeof value === 'bigint' ? value.toString() : value,
    ),
  ];
}

describe('a schedule', () => {
  it('replays exactly from its seed: the same trace, event for event', async () => {
    const first = await runSchedule({ seed: 7, steps: STEPS, trace: true });
    // Other schedules in between reuse the pooled databases: that must not change anything.
    for (const seed of [8, 9, 10]) await runSchedule({ seed, steps: STEPS });
    const again = await runSchedule({ seed: 7, steps: STEPS, trace: true });
    expect(first.trace.length).toBeGreaterThan(100);
    expect(transcript(again)).toEqual(transcript(first));
  });

  it('replays a failing schedule exactly too', async () => {
    const broken = (seed: number, trace: boolean) =>
      runSchedule({ seed, steps: STEPS, trace, mutation: 'no-write-once' });
    let seed = 1;
    while ((await broken(seed, false)).violation === undefined) seed += 1;
    const run = () => broken(seed, true);
    const first = await run();
    const again = await run();
    expect(first.violation).toBeDefined();
    expect(transcript(again)).toEqual(transcript(first));
  });

  it('runs the same without the trace', async () => {
    const traced = await runSchedule({ seed: 11, steps: STEPS, trace: true });
    const plain = await runSchedule({ seed: 11, steps: STEPS });
    expect({ ...plain, trace: [] }).toEqual({ ...traced, trace: [] });
  });

  it('differs from seed to seed', async () => {
    const a = await runSchedule({ seed: 1, steps: STEPS, trace: true });
    const b = await runSchedule({ seed: 2, steps: STEPS, trace: true });
    expect(transcript(a)).not.toEqual(transcript(b));
  });
});
