export { ConfigError } from './config/configError';
export {
  loadConfig,
  bankFromEnv,
  gatewayAddresses,
  gatewayFromEnv,
  SINGLE_GATEWAY,
  type GatewayInstance,
  type StrifeConfig,
  type BankConfig,
  type Env,
} from './config/loadConfig';
export { repoRoot } from './config/repoRoot';
export { clusterFileSchema, type ClusterFile, type LogLevel } from './config/schema';
export { createLogger, REDACTED_PATHS, type Logger, type LoggerOptions } from './logger';
export { ROLES, formatIdentity, type Role, type PeerIdentity } from './tls/identity';
export { loadTlsMaterial, certFiles, type TlsMaterial } from './tls/credentials';
export { peerIdentity, HEALTH_SERVICE, type PeerPolicy } from './tls/peerPolicy';
export {
  errorFacts,
  type ErrorFacts,
  isUnexpectedError,
  GRPC_STATUS_BY_CODE,
  toServerError,
} from './middleware/errorStatus';
export {
  bounded,
  peerAddress,
  MAX_LOGGED,
  REQUEST_ID_KEY,
  type CallLog,
  type CallLogContext,
} from './middleware/callLogging';
export { createStrifeServer, type StrifeServer, type StrifeServerOptions } from './server';
export { StorageHealth, type StorageHealthOptions } from './storageHealth';
export {
  channelTarget,
  createStrifeChannel,
  createStrifeClient,
  serviceConfig,
  type ServiceDefinitionLike,
  type StrifeChannelOptions,
} from './client';
export { onShutdownSignal, runMain } from './lifecycle';
export { FIRST_BYTE_MS, onAnyInstance, type AttemptOptions } from './failover';
export { ensureCertificates, type CertSpec, type EnsureResult } from './certs/ensureCertificates';
export {
  clusterCertSpecs,
  bankCertName,
  gatewayCertName,
  type ClusterCertConfig,
} from './certs/clusterCerts';
export { waitForServing, HealthDefinition, type WaitOptions } from './healthCheck';
export { TxIdLeaser, type TxIdLeaserOptions, type IdBlock } from './txidLeaser';
export { InjectedFault, parseFailpoints, type Failpoints, type FailAction } from './failpoints';
export {
  CALL_BUCKETS,
  createMetrics,
  metricsAgent,
  parsePrometheusText,
  scrapeMetrics,
  select,
  serveMetrics,
  type MetricsServer,
  type Sample,
  type ServiceMetrics,
} from './metrics';
export { STRIFE_VERSION } from './version';
