import { select, type Sample } from '@strife/runtime';
import type { Buckets } from './histogram';

/** What the console reads from one gateway instance's metrics: counters since it started. */
export interface GatewaySample {
  readonly committed: number;
  readonly aborted: number;
  /** Aborts by cause kind: VOTED_NO, TIMEOUT, UNAVAILABLE, PRESUMED. */
  readonly abortsByCause: Readonly<Record<string, number>>;
  /** `strife_grpc_call_seconds` of GatewayService.Pay, by bucket bound in seconds. */
  readonly pay: Buckets;
}

/**
 * Picks the gateway's series out of a scrape: `strife_payments_decided_total` by decision and
 * cause, and the Pay call latency histogram.
 */
export function gatewaySample(samples: readonly Sample[]): GatewaySample {
  let committed = 0;
  let aborted = 0;
  const abortsByCause: Record<string, number> = {};
  for (const s of select(samples, 'strife_payments_decided_total')) {
    if (s.labels.decision === 'COMMIT') committed += s.value;
    if (s.labels.decision === 'ABORT') {
      aborted += s.value;
      const cause = s.labels.cause || 'UNKNOWN';
      abortsByCause[cause] = (abortsByCause[cause] ?? 0) + s.value;
    }
  }
  const pay = new Map<number, number>();
  for (const s of select(samples, 'strife_grpc_call_seconds_bucket', {
    grpc_service: 'strife.v1.GatewayService',
    grpc_method: 'Pay',
  })) {
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    if (!Number.isNaN(le)) pay.set(le, (pay.get(le) ?? 0) + s.value);
  }
  return { committed, aborted, abortsByCause, pay };
}
