import { Leg, type LegOperation, type LegOperationResult } from '@strife/protocol';
import { MAX_LEG_OPERATIONS as MAX_BATCH } from '@strife/domain';
import { LegBatcher } from '../src/payments/legBatcher';

const commit = (txid: bigint): LegOperation => ({
  commit: { txid, leg: Leg.LEG_DEBIT },
  requestId: '',
});
/** Answers each operation with its own txid, so each caller can be checked to get its own. */
const answer = (op: LegOperation): LegOperationResult => ({
  error: { code: 0, message: String(op.commit?.txid) },
});

/** A batcher whose sends are recorded and answered by `reply`. */
function recording(reply: (ops: LegOperation[]) => Promise<LegOperationResult[]>) {
  const batches: LegOperation[][] = [];
  const batcher = new LegBatcher((ops) => {
    batches.push(ops);
    return reply(ops);
  });
  return { batcher, batches };
}

const live = () => new AbortController().signal;

describe('LegBatcher', () => {
  it('sends the operations of one turn as one batch and gives each caller its own answer', async () => {
    const { batcher, batches } = recording((ops) => Promise.resolve(ops.map(answer)));
    const answers = await Promise.all([1n, 2n, 3n].map((t) => batcher.apply(commit(t), live())));
    expect(batches).toEqual([[commit(1n), commit(2n), commit(3n)]]);
    expect(answers).toEqual([
      { error: { code: 0, message: '1' } },
      { error: { code: 0, message: '2' } },
      { error: { code: 0, message: '3' } },
    ]);
    await batcher.apply(commit(4n), live());
    expect(batches).toHaveLength(2);
  });

  it(`splits more than ${MAX_BATCH} operations into several batches`, async () => {
    const { batcher, batches } = recording((ops) => Promise.resolve(ops.map(answer)));
    const count = MAX_BATCH + 3;
    const answers = await Promise.all(
      Array.from({ length: count }, (_, i) => batcher.apply(commit(BigInt(i + 1)), live())),
    );
    expect(batches.map((b) => b.length)).toEqual([MAX_BATCH, 3]);
    expect(answers.at(-1)).toEqual({ error: { code: 0, message: String(count) } });
  });

  it('drops an operation whose caller stopped waiting before its batch left', async () => {
    const { batcher, batches } = recording((ops) => Promise.resolve(ops.map(answer)));
    const gone = new AbortController();
    const dropped = batcher.apply(commit(1n), gone.signal);
    const kept = batcher.apply(commit(2n), live());
    gone.abort(new Error('timed out'));
    await expect(dropped).rejects.toThrow('timed out');
    await expect(kept).resolves.toEqual({ error: { code: 0, message: '2' } });
    expect(batches).toEqual([[commit(2n)]]);
  });

  it('fails every operation of a batch whose request failed', async () => {
    const { batcher } = recording(() => Promise.reject(new Error('UNAVAILABLE')));
    const results = await Promise.allSettled([1n, 2n].map((t) => batcher.apply(commit(t), live())));
    expect(results).toEqual([
      { status: 'rejected', reason: new Error('UNAVAILABLE') },
      { status: 'rejected', reason: new Error('UNAVAILABLE') },
    ]);
  });

  it('fails the operations a short answer left out', async () => {
    const { batcher } = recording((ops) => Promise.resolve(ops.slice(0, 1).map(answer)));
    const results = await Promise.allSettled([1n, 2n].map((t) => batcher.apply(commit(t), live())));
    expect(results[0]).toEqual({
      status: 'fulfilled',
      value: { error: { code: 0, message: '1' } },
    });
    expect(results[1]).toMatchObject({
      status: 'rejected',
      reason: { message: 'the bank answered 1 of 2 operations' },
    });
  });
});
