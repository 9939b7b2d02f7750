import type { MetricsPoint } from '../shared/api';
import type { GatewaySample } from './gatewaySample';
import { addBuckets, histogramQuantile, subtractBuckets, type Buckets } from './histogram';

export interface HistoryOptions {
  /** How far back the charts go. Default 10 minutes. */
  readonly windowMs?: number;
  /** Latency quantiles are taken over the Pay calls of this long. Default 5000 ms. */
  readonly latencyWindowMs?: number;
}

interface Previous {
  readonly at: number;
  readonly sample: GatewaySample;
}

/**
 * The charts' time series, from successive scrapes of the gateway instances: decisions per second
 * (committed, aborted) and Pay latency p50/p99 in milliseconds, summed over the instances. Counters
 * are per process, so each instance's rate comes from its own previous scrape, and a counter that
 * went down (the instance restarted) counts from zero, as Prometheus's `rate` does.
 */
export class TrafficHistory {
  private readonly windowMs: number;
  private readonly latencyWindowMs: number;
  private readonly previous = new Map<string, Previous>();
  private readonly latency: { at: number; buckets: Buckets }[] = [];
  private readonly series: MetricsPoint[] = [];

  constructor(options: HistoryOptions = {}) {
    this.windowMs = options.windowMs ?? 10 * 60_000;
    this.latencyWindowMs = options.latencyWindowMs ?? 5000;
  }

  /**
   * Adds the point for time `at` from this pass's scrapes, by instance (instances that could not
   * be scraped are left out and catch up on their next scrape), and returns it.
   */
  record(at: number, scraped: ReadonlyMap<string, GatewaySample>): MetricsPoint {
    let committed = 0;
    let aborted = 0;
    let rated = false;
    const payDeltas: Buckets[] = [];
    for (const [instance, sample] of scraped) {
      const before = this.previous.get(instance);
      this.previous.set(instance, { at, sample });
      if (!before || at <= before.at) continue;
      const seconds = (at - before.at) / 1000;
      committed += increase(sample.committed, before.sample.committed) / seconds;
      aborted += increase(sample.aborted, before.sample.aborted) / seconds;
      payDeltas.push(subtractBuckets(sample.pay, before.sample.pay));
      rated = true;
    }
    this.latency.push({ at, buckets: addBuckets(payDeltas) });
    while ((this.latency[0]?.at ?? at) <= at - this.latencyWindowMs) this.latency.shift();
    const window = addBuckets(this.latency.map((l) => l.buckets));
    const quantile = (q: number): number | null => {
      const seconds = histogramQuantile(q, window);
      return seconds === undefined ? null : round(seconds * 1000);
    };
    const point: MetricsPoint = {
      t: at,
      committed: rated ? round(committed) : null,
      aborted: rated ? round(aborted) : null,
      p50: quantile(0.5),
      p99: quantile(0.99),
    };
    this.series.push(point);
    while ((this.series[0]?.t ?? at) < at - this.windowMs) this.series.shift();
    return point;
  }

  /** Every point in the window, oldest first. */
  points(): readonly MetricsPoint[] {
    return this.series;
  }
}

/** How much a counter went up; a counter below its previous value restarted from zero. */
function increase(now: number, before: number): number {
  return now >= before ? now - before : now;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
