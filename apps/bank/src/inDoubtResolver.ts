import { backoffDelay, type Decision, formatAmount, StrifeError } from '@strife/domain';
import type { Ledger, LegRecord } from '@strife/ledger';
import type { Logger } from '@strife/runtime';

export interface InDoubtResolverOptions {
  /** The books; only reading in-doubt legs and committing or aborting them. */
  readonly ledger: Pick<Ledger, 'inDoubt' | 'commit' | 'abort'>;
  /**
   * Asks the coordinator for a txid's decision (the gateway's `ResolveTransaction`). It throws a
   * `StrifeError` (e.g. `InvalidArgument` for a decision this build cannot read) when the answer
   * for this txid is unusable: its legs are skipped and reported, and the pass goes on. Any
   * other error means the coordinator cannot be asked now: the pass stops and backs off.
   */
  readonly resolve: (txid: bigint) => Promise<Decision>;
  readonly logger: Logger;
  /** A PREPARED leg older than this is in doubt. */
  readonly inDoubtAfterMs: number;
  /** Pause between passes while the coordinator answers; the first pause after a failure. */
  readonly intervalMs: number;
  /** Longest pause while the coordinator cannot be reached. Default 30000 ms. */
  readonly maxBackoffMs?: number;
  /** Told of each leg a pass had to skip (a metric); it is logged at error level too. */
  readonly onLegFailed?: () => void;
}

/** What one pass did. */
export interface PassResult {
  /** Legs committed or aborted as the coordinator decided. */
  readonly settled: number;
  /** Legs left PREPARED because resolving them failed; each was logged at error level. */
  readonly failed: number;
}

/**
 * Resolves PREPARED legs (debits, credits and transfers) the coordinator has left in doubt by
 * asking it, on start and periodically, and applies the answer. A bank never decides alone after
 * voting YES, so while the coordinator is unreachable it keeps asking, backing off
 * exponentially. One leg that cannot be resolved never holds up the others: it is reported
 * loudly and skipped, and the rest of the pass goes on (test/inDoubtResolver.test.ts).
 */
export class InDoubtResolver {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private failures = 0;
  private nextDelayMs: number;

  constructor(private readonly options: InDoubtResolverOptions) {
    this.nextDelayMs = options.intervalMs;
  }

  /** Runs a pass now and keeps running them until `stop`. */
  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /**
   * One pass over the in-doubt legs. Resolves to how many legs it settled and how many it had to
   * skip; rejects if the coordinator could not be asked (legs settled before that stay settled).
   */
  async runOnce(): Promise<PassResult> {
    const { ledger } = this.options;
    const decisions = new Map<bigint, Decision | StrifeError>();
    let settled = 0;
    let failed = 0;
    for (const leg of ledger.inDoubt(this.options.inDoubtAfterMs)) {
      if (this.stopped) break;
      let decision = decisions.get(leg.txid);
      if (decision === undefined) {
        decision = await this.ask(leg.txid);
        decisions.set(leg.txid, decision);
      }
      try {
        if (decision instanceof StrifeError) throw decision;
        if (decision === 'COMMIT') ledger.commit(leg.txid, leg.leg);
        else ledger.abort(leg.txid, leg.leg);
        settled++;
        this.options.logger.info({ ...describe(leg), decision }, 'in-doubt leg resolved');
      } catch (err) {
        failed++;
        this.options.onLegFailed?.();
        this.options.logger.error(
          { ...describe(leg), err },
          'cannot resolve in-doubt leg; skipped, it stays PREPARED until a later pass',
        );
      }
    }
    return { settled, failed };
  }

  /**
   * The coordinator's decision, or the domain error that makes it unusable for this txid; any
   * other error (the coordinator cannot be reached) ends the pass.
   */
  private async ask(txid: bigint): Promise<Decision | StrifeError> {
    try {
      return await this.options.resolve(txid);
    } catch (err) {
      if (err instanceof StrifeError) return err;
      throw err;
    }
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pass().finally(() => {
        this.running = undefined;
        this.schedule(this.nextDelayMs);
      });
    }, ms);
  }

  /** Runs a pass and sets the pause before the next: the interval, or a backoff after failures. */
  private async pass(): Promise<void> {
    const { intervalMs, maxBackoffMs = 30_000 } = this.options;
    try {
      await this.runOnce();
      this.failures = 0;
      this.nextDelayMs = intervalMs;
    } catch (err) {
      this.failures++;
      // Retry n waits about intervalMs * 2^n (jittered), as before: the first pause is doubled.
      this.nextDelayMs = backoffDelay(this.failures + 1, {
        initialMs: intervalMs,
        maxMs: maxBackoffMs,
      });
      this.options.logger.warn(
        { err: err instanceof Error ? err.message : String(err), retryInMs: this.nextDelayMs },
        'cannot resolve in-doubt legs yet; will ask again',
      );
    }
  }
}

/** The fields that name a leg in a log line. */
function describe(leg: LegRecord): Record<string, string> {
  return {
    txid: leg.txid.toString(),
    leg: leg.leg,
    account: leg.accountNo,
    ...(leg.toAccountNo === undefined ? {} : { toAccount: leg.toAccountNo }),
    amount: formatAmount(leg.amount),
  };
}
