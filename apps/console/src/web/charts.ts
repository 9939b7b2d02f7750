import type UPlot from 'uplot';
import type { MetricsPoint, StatusView } from '../shared/api.js';
import { byId, setText } from './dom.js';

const GREEN = '#1a7f37';
const RED = '#cf222e';
const BLUE = '#0969da';
const PURPLE = '#8250df';
const HEIGHT = 220;

type Series = (number | null)[];

/**
 * The throughput chart (committed and aborted decisions per second) and the latency chart (Pay
 * p50 and p99), over the console's window, with the counters above them. Each figure carries a
 * sentence saying what the lines show now, and `data-*` attributes with the latest figures.
 */
export class TrafficCharts {
  private points: MetricsPoint[] = [];
  private readonly charts = new Map<string, UPlot>();

  constructor(private readonly windowMs = 10 * 60_000) {}

  /** Replaces every point (the stream's `history` event). */
  load(points: readonly MetricsPoint[]): void {
    this.points = [...points];
    this.draw();
  }

  /** Adds the newest point and the counters of one status. */
  update(status: StatusView): void {
    if (status.point) {
      this.points.push(status.point);
      const oldest = status.point.t - this.windowMs;
      while ((this.points[0]?.t ?? oldest) < oldest) this.points.shift();
      this.draw();
    }
    const { traffic } = status;
    const latest = this.points.at(-1);
    setText(byId('committed-total'), String(traffic.committed));
    setText(byId('aborted-total'), String(traffic.aborted));
    setText(
      byId('rate-now'),
      latest?.committed == null ? '–' : (latest.committed + (latest.aborted ?? 0)).toFixed(1),
    );
    setText(
      byId('latency-now'),
      latest?.p50 == null ? '–' : `${ms(latest.p50)} / ${ms(latest.p99)}`,
    );
    const note = byId('metrics-note');
    const gateways = status.services.filter((s) => s.kind === 'gateway').length;
    const missing = traffic.withoutMetrics;
    note.hidden = missing.length === 0;
    setText(
      note,
      missing.length === gateways
        ? 'No gateway has a metricsAddress, so there is no throughput or latency to show. Give each a metricsAddress in the cluster file (or run pnpm start --metrics).'
        : `${missing.join(', ')} ${missing.length === 1 ? 'has' : 'have'} no metricsAddress: ${missing.length === 1 ? 'its' : 'their'} traffic is not counted here.`,
    );
  }

  private draw(): void {
    const xs = this.points.map((p) => p.t / 1000);
    this.chart(
      'throughput',
      'decisions/s',
      [
        { label: 'Committed/s', stroke: GREEN, values: this.points.map((p) => p.committed) },
        { label: 'Aborted/s', stroke: RED, values: this.points.map((p) => p.aborted) },
      ],
      xs,
    );
    this.chart(
      'latency',
      'ms',
      [
        { label: 'Pay p50 (ms)', stroke: BLUE, values: this.points.map((p) => p.p50) },
        { label: 'Pay p99 (ms)', stroke: PURPLE, values: this.points.map((p) => p.p99) },
      ],
      xs,
    );
    const latest = this.points.at(-1);
    const peak = (values: Series): number => Math.max(0, ...values.map((v) => v ?? 0));
    const committed = this.points.map((p) => p.committed);
    const throughput = byId('throughput');
    throughput.dataset.points = String(this.points.length);
    throughput.dataset.peakCommitted = String(peak(committed));
    setText(
      byId('throughput-summary'),
      latest
        ? `Now ${rate(latest.committed)} committed and ${rate(latest.aborted)} aborted per second; peak ${peak(committed).toFixed(1)} committed per second in the window.`
        : 'No points yet.',
    );
    const latency = byId('latency');
    latency.dataset.points = String(this.points.length);
    setText(
      byId('latency-summary'),
      latest?.p50 == null
        ? 'No Pay calls in the last few seconds.'
        : `Pay calls over the last few seconds: p50 ${ms(latest.p50)}, p99 ${ms(latest.p99)}.`,
    );
  }

  private chart(
    id: string,
    unit: string,
    lines: readonly { label: string; stroke: string; values: Series }[],
    xs: number[],
  ): void {
    const data: UPlot.AlignedData = [xs, ...lines.map((l) => l.values)];
    const existing = this.charts.get(id);
    if (existing) {
      existing.setData(data);
      return;
    }
    const container = byId(`${id}-chart`);
    const chart = new uPlot(
      {
        width: Math.max(280, container.clientWidth),
        height: HEIGHT,
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        series: [{}, ...lines.map((l) => ({ label: l.label, stroke: l.stroke, width: 2 }))],
        axes: [{}, { label: unit, size: 60 }],
        legend: { live: false },
      },
      data,
      container,
    );
    new ResizeObserver(() => {
      chart.setSize({ width: Math.max(280, container.clientWidth), height: HEIGHT });
    }).observe(container);
    this.charts.set(id, chart);
  }
}

function rate(value: number | null): string {
  return value === null ? '–' : value.toFixed(1);
}

function ms(value: number | null): string {
  if (value === null) return '–';
  return value < 10 ? `${value.toFixed(2)} ms` : `${Math.round(value)} ms`;
}
