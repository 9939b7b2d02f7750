export { CALL_BUCKETS, createMetrics, type ServiceMetrics } from './registry';
export { serveMetrics, type MetricsServer } from './metricsServer';
