export { CALL_BUCKETS, createMetrics, type ServiceMetrics } from './registry';
export { serveMetrics, type MetricsServer } from './metricsServer';
export { parsePrometheusText, select, type Sample } from './promText';
export { metricsAgent, scrapeMetrics } from './scrape';
