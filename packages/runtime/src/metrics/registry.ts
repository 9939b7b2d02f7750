import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * One process's Prometheus registry, with the series every Strife server has: calls by service,
 * method and status code with their latency, and the process defaults (CPU, memory, event-loop
 * lag, GC). Each app adds its own `strife_*` series to `registry`.
 */
export interface ServiceMetrics {
  readonly registry: Registry;
  /** Records one finished call. */
  observeCall(service: string, method: string, code: string, seconds: number): void;
  /** An `onCommit` for a group commit of `store`: its batch sizes and commit times. */
  groupCommit(store: string): (writes: number, seconds: number) => void;
}

/** Latency buckets for calls, in seconds: 0.5 ms to 10 s. */
export const CALL_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/**
 * A registry labelled with the service (`gateway`, `bank`, `txid`) and its instance (`gw1`,
 * `SBI`, …) on every series.
 */
export function createMetrics(service: string, instance: string): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service, instance });
  collectDefaultMetrics({ register: registry, prefix: 'strife_process_' });
  const calls = new Counter({
    name: 'strife_grpc_calls_total',
    help: 'gRPC calls handled, by service, method and status code.',
    labelNames: ['grpc_service', 'grpc_method', 'code'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'strife_grpc_call_seconds',
    help: 'Time to handle a gRPC call, by service and method.',
    labelNames: ['grpc_service', 'grpc_method'],
    buckets: CALL_BUCKETS,
    registers: [registry],
  });
  const batchWrites = new Histogram({
    name: 'strife_group_commit_writes',
    help: 'Writes committed together in one transaction (one fsync), by store.',
    labelNames: ['store'],
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
    registers: [registry],
  });
  const batchSeconds = new Histogram({
    name: 'strife_group_commit_seconds',
    help: 'Time to run and commit one group-commit transaction, by store.',
    labelNames: ['store'],
    buckets: CALL_BUCKETS,
    registers: [registry],
  });
  return {
    registry,
    groupCommit: (store) => (writes, seconds) => {
      batchWrites.observe({ store }, writes);
      batchSeconds.observe({ store }, seconds);
    },
    observeCall(grpcService, method, code, seconds) {
      calls.inc({ grpc_service: grpcService, grpc_method: method, code });
      latency.observe({ grpc_service: grpcService, grpc_method: method }, seconds);
    },
  };
}
