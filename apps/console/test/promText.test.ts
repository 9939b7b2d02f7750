import { parsePrometheusText, select } from '@strife/runtime';
import { gatewaySample } from '../src/metrics/gatewaySample';
import { histogramQuantile } from '../src/metrics/histogram';

const TEXT = `# HELP strife_payments_decided_total Decisions.
# TYPE strife_payments_decided_total counter
strife_payments_decided_total{decision="COMMIT",cause="",service="gateway",instance="gw1"} 7
strife_payments_decided_total{decision="ABORT",cause="VOTED_NO",service="gateway",instance="gw1"} 2
strife_payments_decided_total{decision="ABORT",cause="TIMEOUT",service="gateway",instance="gw1"} 1
strife_grpc_call_seconds_bucket{le="0.01",grpc_service="strife.v1.GatewayService",grpc_method="Pay"} 4
strife_grpc_call_seconds_bucket{le="0.1",grpc_service="strife.v1.GatewayService",grpc_method="Pay"} 9
strife_grpc_call_seconds_bucket{le="+Inf",grpc_service="strife.v1.GatewayService",grpc_method="Pay"} 10
strife_grpc_call_seconds_bucket{le="+Inf",grpc_service="strife.v1.GatewayService",grpc_method="Login"} 99
odd_labels{path="a\\\\b \\"quoted\\"\\nnext",empty=""} 1.5e3 1700000000000
not a sample line
gauge_nan NaN
`;

describe('reading Prometheus text', () => {
  it('reads names, escaped labels, values and skips what it cannot read', () => {
    const samples = parsePrometheusText(TEXT);
    expect(samples).toHaveLength(9);
    expect(select(samples, 'odd_labels')).toEqual([
      { name: 'odd_labels', labels: { path: 'a\\b "quoted"\nnext', empty: '' }, value: 1500 },
    ]);
    expect(select(samples, 'gauge_nan')[0]?.value).toBeNaN();
  });

  it('takes the gateway’s decisions by cause and its Pay latency histogram', () => {
    const sample = gatewaySample(parsePrometheusText(TEXT));
    expect(sample).toMatchObject({
      committed: 7,
      aborted: 3,
      abortsByCause: { VOTED_NO: 2, TIMEOUT: 1 },
    });
    expect([...sample.pay.entries()]).toEqual([
      [0.01, 4],
      [0.1, 9],
      [Infinity, 10],
    ]);
  });
});

describe('histogram quantiles, as Prometheus interpolates them', () => {
  const buckets = new Map([
    [0.01, 4],
    [0.1, 9],
    [Infinity, 10],
  ]);

  it('interpolates inside the bucket the rank falls in', () => {
    expect(histogramQuantile(0.2, buckets)).toBeCloseTo(0.005);
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.01 + (0.09 * 1) / 5);
  });

  it('gives the largest finite bound for a rank in +Inf, and nothing without observations', () => {
    expect(histogramQuantile(0.99, buckets)).toBe(0.1);
    expect(histogramQuantile(0.5, new Map([[Infinity, 0]]))).toBeUndefined();
  });
});
