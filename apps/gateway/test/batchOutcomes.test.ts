import { batchOutcomes } from '../src/store/batchOutcomes';

describe("a store's batch outcomes", () => {
  it('is failing from a failed batch until one commits, and passes each commit on', () => {
    const seen: [number, number][] = [];
    const outcomes = batchOutcomes((writes, seconds) => seen.push([writes, seconds]));
    expect(outcomes.failing).toBe(false);
    outcomes.onFailure();
    expect(outcomes.failing).toBe(true);
    outcomes.onFailure();
    expect(outcomes.failing).toBe(true);
    outcomes.onCommit(3, 0.002);
    expect(outcomes.failing).toBe(false);
    expect(seen).toEqual([[3, 0.002]]);
  });

  it('needs no one to tell of commits', () => {
    const outcomes = batchOutcomes();
    outcomes.onFailure();
    outcomes.onCommit(1, 0.001);
    expect(outcomes.failing).toBe(false);
  });
});
