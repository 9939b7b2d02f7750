import type { Logger } from '@strife/runtime';
import type { HealthState } from 'nice-grpc-server-health';
import type { GatewayStore } from './store/gatewayStore';

export interface HousekeepingOptions {
  readonly store: GatewayStore;
  readonly logger: Logger;
  /** Set NOT_SERVING while the database does not answer, SERVING again when it does. */
  readonly health: HealthState;
  /** Decided payments older than this are pruned (their keys leave a tombstone). */
  readonly retentionMs: number;
  /** Sessions are forgotten this long after they expired. */
  readonly sessionTtlMs: number;
  readonly throttleWindowMs: number;
  /** How often the database is pinged. Default 2000 ms. */
  readonly pingMs?: number;
  /** How often finished records are pruned. Default one hour. */
  readonly pruneMs?: number;
  /** Told when the database stops or starts answering. */
  readonly onReachable?: (reachable: boolean) => void;
}

/** Payments pruned per write, so pruning never holds the database for long. */
const PRUNE_BATCH = 500;

/**
 * The gateway's background upkeep: health follows the database (so load balancers and probes
 * stop sending work to an instance that cannot reach it), and what is provably finished is
 * pruned on a schedule.
 */
export class Housekeeping {
  private readonly timers: NodeJS.Timeout[] = [];
  private reachable = true;

  constructor(private readonly options: HousekeepingOptions) {}

  start(): void {
    const ping = setInterval(() => void this.ping(), this.options.pingMs ?? 2000);
    const prune = setInterval(() => void this.prune(), this.options.pruneMs ?? 3_600_000);
    for (const timer of [ping, prune]) timer.unref();
    this.timers.push(ping, prune);
  }

  stop(): void {
    this.timers.forEach(clearInterval);
  }

  /** One round of pruning; returns what it removed. */
  async prune(now = Date.now()): Promise<{ payments: number; sessions: number; throttle: number }> {
    const { store, logger } = this.options;
    try {
      let payments = 0;
      for (;;) {
        const pruned = await store.payments.prune(now - this.options.retentionMs, PRUNE_BATCH);
        payments += pruned;
        if (pruned < PRUNE_BATCH) break;
      }
      const sessions = await store.sessions.prune(now - this.options.sessionTtlMs);
      const throttle = await store.throttle.prune(now - this.options.throttleWindowMs);
      if (payments + sessions > 0) logger.info({ payments, sessions, throttle }, 'pruned');
      return { payments, sessions, throttle };
    } catch (err) {
      logger.warn({ err }, 'pruning failed; trying again next round');
      return { payments: 0, sessions: 0, throttle: 0 };
    }
  }

  private async ping(): Promise<void> {
    const { store, logger, health } = this.options;
    const reachable = await store.ping().then(
      () => true,
      () => false,
    );
    if (reachable === this.reachable) return;
    this.reachable = reachable;
    this.options.onReachable?.(reachable);
    health.setStatus(reachable ? 'healthy' : 'unhealthy');
    if (reachable) logger.info('the database answers and takes writes again; serving');
    else logger.error('the database does not answer or take writes; NOT_SERVING until it does');
  }
}
