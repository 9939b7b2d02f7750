import type { Pool, PoolClient } from 'pg';
import { transact, type Entry } from './batchTransaction';
import type { BatchWriter } from './batchWriter';
import { DatabaseUnavailable, isDatabaseUnavailable } from './unavailable';

interface Pending extends Entry {
  readonly resolve: (output: unknown) => void;
  readonly reject: (error: unknown) => void;
}

export interface PgGroupCommitOptions {
  /** Most writes in one transaction; a longer queue is committed in several. Default 1000. */
  readonly maxBatch?: number;
  /** Longest a `writeLater` waits for another write to share a batch with. Default 50 ms. */
  readonly laterMs?: number;
  /**
   * Most batch transactions open at once, each on its own pooled connection; writes queued while
   * all are busy wait for the next free one and go together. Keep it below the pool's `max`, so
   * reads still find a connection. Default 4.
   */
  readonly maxInFlight?: number;
  /**
   * Runs inside every batch's transaction just before COMMIT; a throw fails the batch as that
   * error would (one `isDatabaseUnavailable` accepts fails it as the database being unreachable).
   * For fault injection. Default: none.
   */
  readonly beforeCommit?: () => void;
  /** Told each committed batch's size and how long its transaction took (metrics). */
  readonly onCommit?: (writes: number, seconds: number) => void;
  /** Told each batch whose transaction failed (before any write of it was retried alone). */
  readonly onFailure?: (error: unknown) => void;
}

/**
 * A write with no rows: its transaction takes a transaction id, so COMMIT writes and flushes a
 * commit record to the WAL, as any write does.
 */
const PROBE: BatchWriter<undefined, undefined> = {
  name: 'probe',
  async run(client, inputs) {
    await client.query('SELECT pg_current_xact_id()');
    return inputs.map(() => undefined);
  },
};

/**
 * Group commit for PostgreSQL. The server groups the WAL flushes of concurrent commits from
 * different connections, but a connection commits one transaction at a time; so the writes
 * queued in one turn of the event loop are committed together, in one transaction on one pooled
 * connection: one round trip per writer and one WAL flush for the lot.
 *
 * Guarantees (each tested in test/groupCommit.test.ts):
 * - A write's promise settles only after COMMIT returned, so with the server's default
 *   `synchronous_commit = on` what a caller is told is durable.
 * - Each writer's `run` is called once per batch with all its inputs, writers in the order their
 *   first input was queued.
 * - If the batch fails, it is rolled back and each write is retried alone in a transaction of
 *   its own, so a bad input fails only its own caller.
 * - If the database is unreachable, every write of the batch fails with `DatabaseUnavailable`
 *   and nothing is retried. A write whose COMMIT lost its connection fails the same way with
 *   outcome `unknown`, never retried blindly: callers' writes are idempotent and recovery re-reads.
 * - At most `maxInFlight` batches are in flight; later writes wait for the next batch.
 */
export class PgGroupCommit {
  private readonly maxBatch: number;
  private readonly laterMs: number;
  private readonly maxInFlight: number;
  private readonly beforeCommit: (() => void) | undefined;
  private readonly onCommit: ((writes: number, seconds: number) => void) | undefined;
  private readonly onFailure: ((error: unknown) => void) | undefined;
  private queue: Pending[] = [];
  /** The queue should go as soon as a connection slot is free (its turn ended, or `laterMs`). */
  private due = false;
  private inFlight = 0;
  private scheduled: NodeJS.Immediate | undefined;
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly pool: Pool,
    options: PgGroupCommitOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 1000;
    this.laterMs = options.laterMs ?? 50;
    this.maxInFlight = options.maxInFlight ?? 4;
    this.beforeCommit = options.beforeCommit;
    this.onCommit = options.onCommit;
    this.onFailure = options.onFailure;
    for (const [name, value] of [
      ['maxBatch', this.maxBatch],
      ['maxInFlight', this.maxInFlight],
    ] as const) {
      if (!Number.isInteger(value) || value < 1) {
        throw new RangeError(`${name} must be a positive integer, got ${value}`);
      }
    }
    if (!(this.laterMs >= 0)) throw new RangeError(`laterMs must be >= 0, got ${this.laterMs}`);
  }

  /** Writes waiting for a batch (not counting those in flight). */
  get pending(): number {
    return this.queue.length;
  }

  /**
   * Queues `input` for `writer` in the batch of this turn of the event loop, and resolves with
   * its output once that batch has committed.
   */
  write<I, O>(writer: BatchWriter<I, O>, input: I): Promise<O> {
    const written = this.enqueue(writer, input);
    this.scheduled ??= setImmediate(() => {
      this.scheduled = undefined;
      this.due = true;
      this.pump();
    });
    return written;
  }

  /**
   * As `write`, for bookkeeping nobody waits on (that recovery would redo if it were lost): it
   * does not start a batch of its own but joins the next one, or commits after `laterMs` if no
   * other write comes, saving a transaction when writes are sparse.
   */
  writeLater<I, O>(writer: BatchWriter<I, O>, input: I): Promise<O> {
    const written = this.enqueue(writer, input);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.due = true;
      this.pump();
    }, this.laterMs);
    return written;
  }

  /**
   * Resolves once a write commits (in the next batch): whether the database takes writes again
   * after a failed batch. Rejects as that batch's writes would.
   */
  async probe(): Promise<void> {
    await this.write(PROBE, undefined);
  }

  /** Commits everything queued now and resolves once no batch is queued or in flight. */
  flush(): Promise<void> {
    this.due = true;
    this.pump();
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private enqueue<I, O>(writer: BatchWriter<I, O>, input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({
        writer,
        input,
        resolve: resolve as (output: unknown) => void,
        reject,
      });
    });
  }

  private pump(): void {
    while (this.due && this.queue.length > 0 && this.inFlight < this.maxInFlight) {
      const batch = this.queue.slice(0, this.maxBatch);
      this.queue = this.queue.slice(batch.length);
      this.inFlight++;
      void this.commit(batch)
        .catch((error: unknown) => {
          // Not expected (commit settles every write itself); settled promises ignore this.
          for (const pending of batch) pending.reject(error);
        })
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
    if (this.queue.length === 0) {
      this.due = false;
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.timer = undefined;
      if (this.inFlight === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
    }
  }

  /** Commits `batch` and settles every write in it. Never throws. */
  private async commit(batch: readonly Pending[]): Promise<void> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      const failure = isDatabaseUnavailable(error)
        ? DatabaseUnavailable.from(error, 'not-committed')
        : error;
      this.onFailure?.(failure);
      for (const pending of batch) pending.reject(failure);
      return;
    }
    // A connection lost between two statements is reported on the next one; without a listener
    // the client's `error` event would kill the process.
    const ignore = (): void => undefined;
    client.on('error', ignore);
    let broken: Error | undefined;
    try {
      broken = await this.settle(client, batch);
    } finally {
      client.off('error', ignore);
      client.release(broken);
    }
  }

  /** Runs `batch`, isolating a failure; returns the error that broke the connection, if any. */
  private async settle(
    client: PoolClient,
    batch: readonly Pending[],
  ): Promise<DatabaseUnavailable | undefined> {
    const started = performance.now();
    const attempt = await transact(client, batch, this.beforeCommit);
    if (attempt.kind === 'committed') {
      this.onCommit?.(batch.length, (performance.now() - started) / 1000);
      batch.forEach((pending, i) => {
        pending.resolve(attempt.outputs[i]);
      });
      return undefined;
    }
    this.onFailure?.(attempt.error);
    if (attempt.kind === 'unavailable') {
      for (const pending of batch) pending.reject(attempt.error);
      return attempt.error;
    }
    if (batch.length === 1) {
      batch[0]?.reject(attempt.error);
      return undefined;
    }
    for (const [i, pending] of batch.entries()) {
      const alone = await transact(client, [pending], this.beforeCommit);
      if (alone.kind === 'committed') {
        pending.resolve(alone.outputs[0]);
      } else if (alone.kind === 'failed') {
        pending.reject(alone.error);
      } else {
        pending.reject(alone.error);
        const untried = DatabaseUnavailable.from(alone.error, 'not-committed');
        for (const rest of batch.slice(i + 1)) rest.reject(untried);
        return alone.error;
      }
    }
    return undefined;
  }
}
