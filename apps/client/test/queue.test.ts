import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PaymentQueue } from '../src/queue';

describe('the offline queue', () => {
  let dir: string;
  let queue: PaymentQueue;
  const file = () => join(dir, 'queue.db');
  const payment = { username: 'alice', key: 'k1', to: 'SBI:2001', amount: 1050n };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'strife-queue-'));
    queue = PaymentQueue.open(file());
  });

  afterEach(() => {
    queue.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a queued payment across reopening, with its schedule', () => {
    expect(queue.enqueue(payment, 1000, 6000).state).toBe('added');
    queue.close();
    queue = PaymentQueue.open(file());
    expect(queue.list()).toEqual([
      {
        ...payment,
        queuedAt: 1000,
        attempts: 0,
        nextAttemptAt: 6000,
        lastError: undefined,
      },
    ]);
  });

  it('queues a key once per user, and spots a different payment under the same key', () => {
    queue.enqueue(payment, 1000, 6000);
    expect(queue.enqueue(payment, 2000, 7000).state).toBe('present');
    expect(queue.enqueue({ ...payment, amount: 1n }, 2000, 7000).state).toBe('mismatch');
    expect(queue.enqueue({ ...payment, to: 'SBI:2002' }, 2000, 7000).state).toBe('mismatch');
    expect(queue.enqueue({ ...payment, username: 'bob' }, 2000, 7000).state).toBe('added');
    expect(queue.list()).toHaveLength(2);
  });

  it('counts failed attempts and schedules the next by the backoff', () => {
    queue.enqueue(payment, 1000, 6000);
    const delays: number[] = [];
    const after = (attempts: number) => {
      delays.push(attempts);
      return attempts * 100;
    };
    queue.recordFailure('alice', 'k1', 'down', 2000, after);
    const second = queue.recordFailure('alice', 'k1', 'still down', 3000, after);
    expect(delays).toEqual([1, 2]);
    expect(second).toMatchObject({ attempts: 2, nextAttemptAt: 3200, lastError: 'still down' });
    expect(queue.due(3199)).toEqual([]);
    expect(queue.due(3200).map((p) => p.key)).toEqual(['k1']);
  });

  it('caps long waits and wakes a user whose session came back', () => {
    queue.enqueue(payment, 1000, 60_000);
    queue.enqueue({ ...payment, key: 'k2' }, 1000, 2000);
    queue.capWaits(5000);
    expect(queue.list().map((p) => p.nextAttemptAt)).toEqual([5000, 2000]);
    queue.wake('alice', 1500);
    expect(queue.due(1500).map((p) => p.key)).toEqual(['k1', 'k2']);
  });

  it('moves a finished payment to its outcome, atomically and once', () => {
    queue.enqueue(payment, 1000, 6000);
    const outcome = {
      ...payment,
      status: 'COMMITTED' as const,
      txid: 42n,
      reason: '',
      errorCode: undefined,
      queuedAt: 1000,
      finishedAt: 3000,
    };
    queue.complete(outcome);
    expect(queue.list()).toEqual([]);
    expect(queue.outcome('alice', 'k1')).toEqual(outcome);
    expect(queue.outcome('bob', 'k1')).toBeUndefined();
    expect(queue.recordFailure('alice', 'k1', 'late', 4000, () => 1)).toBeUndefined();
  });
});
