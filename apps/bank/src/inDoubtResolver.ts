import type { Ledger } from '@strife/ledger';
import type { Logger } from '@strife/runtime';

export type Decision = 'COMMIT' | 'ABORT';

export interface InDoubtResolverOptions {
  readonly ledger: Ledger;
  /** Asks the coordinator for a txid's decision (the gateway's `ResolveTransaction`). */
  readonly resolve: (txid: bigint) => Promise<Decision>;
  readonly logger: Logger;
  /** A PREPARED leg older than this is in doubt. */
  readonly inDoubtAfterMs: number;
  /** Pause between passes while the coordinator answers. */
  readonly intervalMs: number;
  /** Longest pause while the coordinator cannot be reached. Default 30000 ms. */
  readonly maxBackoffMs?: number;
}

/**
 * Resolves PREPARED legs the coordinator has left in doubt by asking it, on start and
 * periodically, and applies the answer. A bank never decides alone after voting YES, so while
 * the coordinator is unreachable it keeps asking, backing off exponentially.
 */
export class InDoubtResolver {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private delayMs: number;

  constructor(private readonly options: InDoubtResolverOptions) {
    this.delayMs = options.intervalMs;
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

  /** One pass over the in-doubt legs. Resolves to how many legs it settled; throws if asking failed. */
  async runOnce(): Promise<number> {
    const { ledger, logger } = this.options;
    const legs = ledger.inDoubt(this.options.inDoubtAfterMs);
    const decisions = new Map<bigint, Decision>();
    let settled = 0;
    for (const leg of legs) {
      if (this.stopped) break;
      let decision = decisions.get(leg.txid);
      if (decision === undefined) {
        decision = await this.options.resolve(leg.txid);
        decisions.set(leg.txid, decision);
      }
      if (decision === 'COMMIT') ledger.commit(leg.txid, leg.leg);
      else ledger.abort(leg.txid, leg.leg);
      settled++;
      logger.info(
        { txid: leg.txid.toString(), leg: leg.leg, account: leg.accountNo, decision },
        'in-doubt leg resolved',
      );
    }
    return settled;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pass().finally(() => {
        this.running = undefined;
        this.schedule(this.delayMs);
      });
    }, ms);
  }

  private async pass(): Promise<void> {
    try {
      await this.runOnce();
      this.delayMs = this.options.intervalMs;
    } catch (err) {
      this.delayMs = Math.min(this.delayMs * 2, this.options.maxBackoffMs ?? 30_000);
      this.options.logger.warn(
        { err: err instanceof Error ? err.message : String(err), retryInMs: this.delayMs },
        'cannot resolve in-doubt legs yet; will ask again',
      );
    }
  }
}
