import { MAX_LEG_OPERATIONS } from '@strife/domain';
import type { LegOperation, LegOperationResult } from '@strife/protocol';

/** Sends one batch and answers it in order; rejects if the batch as a whole failed. */
export type SendBatch = (operations: LegOperation[]) => Promise<LegOperationResult[]>;

interface Queued {
  readonly operation: LegOperation;
  readonly signal: AbortSignal;
  readonly resolve: (result: LegOperationResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * One bank's 2PC traffic, batched: the operations asked for while the event loop is busy go out
 * together at the end of the turn as one request (several if there are more than `MAX_LEG_OPERATIONS`),
 * so a loaded gateway pays one round trip, and the bank one fsync, for many legs. Each caller
 * still gets its own operation's answer. An operation whose signal aborted before its batch
 * left is dropped, not sent.
 */
export class LegBatcher {
  private queue: Queued[] = [];
  private scheduled = false;

  constructor(private readonly send: SendBatch) {}

  apply(operation: LegOperation, signal: AbortSignal): Promise<LegOperationResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ operation, signal, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => {
        this.flush();
      });
    });
  }

  private flush(): void {
    this.scheduled = false;
    const live = this.queue.filter((queued) => {
      if (queued.signal.aborted) queued.reject(queued.signal.reason);
      return !queued.signal.aborted;
    });
    this.queue = [];
    for (let start = 0; start < live.length; start += MAX_LEG_OPERATIONS) {
      this.dispatch(live.slice(start, start + MAX_LEG_OPERATIONS));
    }
  }

  private dispatch(batch: Queued[]): void {
    this.send(batch.map((queued) => queued.operation)).then(
      (results) => {
        batch.forEach((queued, i) => {
          const result = results[i];
          if (result === undefined) {
            queued.reject(
              new Error(`the bank answered ${results.length} of ${batch.length} operations`),
            );
          } else {
            queued.resolve(result);
          }
        });
      },
      (error: unknown) => {
        for (const queued of batch) queued.reject(error);
      },
    );
  }
}
