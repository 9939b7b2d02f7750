import type Database from 'better-sqlite3';
import { storageFailureOf } from './storageFailure';

interface Pending {
  readonly work: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * When a group commit runs its batches. The default is Node's: a batch at the end of the turn of
 * the event loop (`setImmediate`), a lone `writeLater` after its delay (`setTimeout`). A
 * deterministic simulation replaces it to decide itself when each batch commits (and so which
 * writes a crash loses).
 */
export interface CommitScheduler {
  /** Calls `run` once the current turn of the event loop ends; returns a function that cancels it. */
  soon(run: () => void): () => void;
  /** Calls `run` after `ms` milliseconds; returns a function that cancels it. */
  later(ms: number, run: () => void): () => void;
}

/** Node's event loop: `setImmediate` and `setTimeout`. */
export const nodeCommitScheduler: CommitScheduler = {
  soon: (run) => {
    const immediate = setImmediate(run);
    return () => {
      clearImmediate(immediate);
    };
  },
  later: (ms, run) => {
    const timer = setTimeout(run, ms);
    return () => {
      clearTimeout(timer);
    };
  },
};

type Settled =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

export interface GroupCommitOptions {
  /** Most writes in one transaction; a longer queue is committed in several. Default 1000. */
  readonly maxBatch?: number;
  /** Longest a `writeLater` waits for another write to share a batch with. Default 50 ms. */
  readonly laterMs?: number;
  /** Names the store in a `StorageFailure`. Default `the database`. */
  readonly name?: string;
  /**
   * Runs inside every batch's transaction just before it commits; a throw fails the whole
   * batch, as a failing disk would. For fault injection (a failpoint that throws an I/O error).
   */
  readonly beforeCommit?: () => void;
  /** Told each committed batch's size and how long its transaction took (metrics). */
  readonly onCommit?: (writes: number, seconds: number) => void;
  /** Told each batch whose commit failed, with the error its writes got (health). */
  readonly onFailure?: (error: unknown) => void;
  /** When batches run. Default `nodeCommitScheduler` (`setImmediate`, `setTimeout`). */
  readonly scheduler?: CommitScheduler;
}

/**
 * Group commit for one better-sqlite3 connection: writes submitted while the event loop is busy
 * are run together at the end of the turn in one `BEGIN IMMEDIATE` transaction, so a batch costs
 * one fsync however many writes it holds. Each write runs in a savepoint of its own, so one that
 * throws is rolled back alone and only its caller sees the error; the others still commit.
 *
 * A write's promise settles only after the whole transaction is durable (with
 * `synchronous=FULL`), so nothing a caller is told can be lost by a crash. Work runs when the
 * batch runs, not when it is submitted: until then, reads on the connection do not see it. If the
 * commit itself fails because the disk did (an I/O error, a full disk), the transaction is rolled
 * back and every write of the batch fails with a `StorageFailure`; nothing of it is applied.
 */
export class GroupCommit {
  private readonly maxBatch: number;
  private readonly laterMs: number;
  private readonly runBatch: (batch: readonly Pending[]) => Settled[];
  private readonly probeWork: () => void;
  private readonly scheduler: CommitScheduler;
  private queue: Pending[] = [];
  /** Cancels the batch scheduled for the end of this turn, if any. */
  private scheduled: (() => void) | undefined;
  /** Cancels the lone `writeLater` batch, if any. */
  private timer: (() => void) | undefined;

  constructor(db: Database.Database, options: GroupCommitOptions = {}) {
    this.maxBatch = options.maxBatch ?? 1000;
    this.laterMs = options.laterMs ?? 50;
    this.scheduler = options.scheduler ?? nodeCommitScheduler;
    if (!Number.isInteger(this.maxBatch) || this.maxBatch < 1) {
      throw new RangeError(`maxBatch must be a positive integer, got ${this.maxBatch}`);
    }
    if (!(this.laterMs >= 0)) throw new RangeError(`laterMs must be >= 0, got ${this.laterMs}`);
    const savepoint = db.transaction((work: () => unknown) => work());
    const { beforeCommit } = options;
    const transaction = db.transaction((batch: readonly Pending[]) => {
      const settled = batch.map((pending): Settled => {
        try {
          return { ok: true, value: savepoint(pending.work) };
        } catch (error) {
          return { ok: false, error };
        }
      });
      beforeCommit?.();
      return settled;
    });
    const name = options.name ?? 'the database';
    const { onCommit, onFailure } = options;
    this.runBatch = (batch) => {
      const started = performance.now();
      try {
        const settled = transaction.immediate(batch);
        onCommit?.(batch.length, (performance.now() - started) / 1000);
        return settled;
      } catch (error) {
        const failure = storageFailureOf(error, name);
        onFailure?.(failure);
        throw failure;
      }
    };
    this.probeWork = () => {
      db.pragma(`user_version = ${Number(db.pragma('user_version', { simple: true }))}`);
    };
  }

  /**
   * A durable write that changes nothing (the header's schema version rewritten as it is), to
   * learn whether the disk takes writes again after a failure.
   */
  probe(): Promise<void> {
    return this.write(this.probeWork);
  }

  /** Writes waiting for the next batch. */
  get pending(): number {
    return this.queue.length;
  }

  /**
   * Queues `work` (synchronous database calls on this connection) for the next batch and
   * resolves with its result once the batch is durable. `work` may itself use transactions:
   * inside the batch they become savepoints.
   */
  write<T>(work: () => T): Promise<T> {
    const written = this.enqueue(work);
    this.scheduled ??= this.scheduler.soon(() => {
      this.flush();
    });
    return written;
  }

  /**
   * As `write`, for work nobody is waiting on (bookkeeping that recovery would redo if it were
   * lost): it does not start a batch of its own but joins the next one, or commits after
   * `laterMs` if no other write comes, saving an fsync when writes are sparse.
   */
  writeLater<T>(work: () => T): Promise<T> {
    const written = this.enqueue(work);
    this.timer ??= this.scheduler.later(this.laterMs, () => {
      this.flush();
    });
    return written;
  }

  /** Commits everything queued now, synchronously; e.g. before closing the connection. */
  flush(): void {
    this.scheduled?.();
    this.timer?.();
    this.scheduled = undefined;
    this.timer = undefined;
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, this.maxBatch);
      this.queue = this.queue.slice(batch.length);
      this.commit(batch);
    }
  }

  private enqueue<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  private commit(batch: readonly Pending[]): void {
    let results: Settled[];
    try {
      results = this.runBatch(batch);
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    batch.forEach((pending, i) => {
      const result = results[i];
      if (result?.ok === true) pending.resolve(result.value);
      else pending.reject(result?.error);
    });
  }
}
