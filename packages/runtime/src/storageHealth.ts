import type { HealthState } from 'nice-grpc-server-health';
import type { Logger } from 'pino';

export interface StorageHealthOptions {
  readonly health: HealthState;
  readonly logger: Logger;
  /** A durable write that changes nothing; rejects (or throws) while the disk fails. */
  readonly probe: () => unknown;
  /** How often `probe` runs while writes fail. Default 2000 ms. */
  readonly intervalMs?: number;
}

/**
 * Health that follows a service's own store: NOT_SERVING from the moment a durable write fails
 * (an I/O error, a full disk), SERVING again once one succeeds. While writes fail, a probe write
 * runs every `intervalMs`, so health comes back without waiting for traffic. `stop` (at shutdown)
 * leaves health to the server.
 */
export class StorageHealth {
  private failing = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: StorageHealthOptions) {}

  /** A durable write succeeded. */
  committed(): void {
    if (!this.failing || this.stopped) return;
    this.failing = false;
    clearInterval(this.timer);
    this.timer = undefined;
    this.options.health.setStatus('healthy');
    this.options.logger.info('the store takes writes again; SERVING');
  }

  /** A durable write failed with `error`. */
  failed(error: unknown): void {
    if (this.failing || this.stopped) return;
    this.failing = true;
    this.options.health.setStatus('unhealthy');
    this.options.logger.error(
      { err: error },
      'a write to the store failed; NOT_SERVING until one succeeds',
    );
    this.timer = setInterval(() => void this.probe(), this.options.intervalMs ?? 2000);
    this.timer.unref();
  }

  /** Whether the last write failed. */
  get serving(): boolean {
    return !this.failing;
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  private async probe(): Promise<void> {
    try {
      await this.options.probe();
      this.committed();
    } catch {
      // Still failing: the next probe tries again.
    }
  }
}
