import { descriptorSet } from '@strife/protocol';
import { createServer, type Server } from 'nice-grpc';
import { HealthDefinition, HealthServiceImpl, HealthState } from 'nice-grpc-server-health';
import { ServerReflection, ServerReflectionService } from 'nice-grpc-server-reflection';
import type { ServerMiddleware } from 'nice-grpc-common';
import { errorDetailsServerMiddleware } from 'nice-grpc-error-details';
import type { Logger } from 'pino';
import type { ServiceMetrics } from './metrics/registry';
import { callLoggingMiddleware, type CallLogContext } from './middleware/callLogging';
import { errorMappingMiddleware } from './middleware/errorMapping';
import { serverCredentials, type TlsMaterial } from './tls/credentials';
import { peerPolicyInterceptor, type PeerPolicy } from './tls/peerPolicy';

export interface StrifeServerOptions {
  readonly logger: Logger;
  readonly tls: TlsMaterial;
  /** Which certificate roles may call which service; everything else is refused. */
  readonly policy: PeerPolicy;
  /** How long `shutdown` waits for in-flight calls before cancelling them. Default 5000 ms. */
  readonly shutdownGraceMs?: number;
  /** Records every call in these metrics (`createMetrics`). Default: none. */
  readonly metrics?: ServiceMetrics;
  /** Give every call without a well-formed `x-request-id` a fresh one (where requests enter). */
  readonly assignRequestIds?: boolean;
  /**
   * More middleware for every service of this server, after logging and the error table (e.g.
   * error details). Per-service middleware goes through `server.with(…)` when adding a service.
   */
  readonly use?: readonly ServerMiddleware<CallLogContext, CallLogContext>[];
}

export interface StrifeServer {
  /** Add services here before `listen`; handlers get `context.callLog`. */
  readonly server: Server<CallLogContext>;
  readonly health: HealthState;
  /**
   * Binds over mTLS and returns the bound port (use port 0 in tests). Marks health SERVING unless
   * `serving` is false: a service that must prepare before serving sets it itself.
   */
  listen(address: string, options?: { readonly serving?: boolean }): Promise<number>;
  /** Marks health NOT_SERVING, stops accepting, waits for in-flight calls (bounded). */
  shutdown(): Promise<void>;
}

/**
 * A nice-grpc server with Strife's plumbing: mTLS with role checks, call logging, the error
 * table with google.rpc error details, `grpc.health.v1` and gRPC server reflection.
 */
export function createStrifeServer(options: StrifeServerOptions): StrifeServer {
  const refused = peerPolicyInterceptor(options.policy, (refusal) =>
    options.logger.warn(refusal, 'call refused: peer role not admitted'),
  );
  const { metrics } = options;
  const observe = metrics
    ? (service: string, method: string, code: string, seconds: number) => {
        metrics.observeCall(service, method, code, seconds);
      }
    : undefined;
  let server: Server<CallLogContext> = createServer({ interceptors: [refused] })
    .use(callLoggingMiddleware(options.logger, observe, options.assignRequestIds))
    .use(errorDetailsServerMiddleware)
    .use(errorMappingMiddleware(options.logger));
  for (const middleware of options.use ?? []) server = server.use(middleware);
  const health = HealthState();
  server.add(HealthDefinition, HealthServiceImpl(health));
  // Reflection describes the services this server's policy admits anyone to, so `grpcurl` with a
  // client certificate needs no .proto files.
  server.add(
    ServerReflectionService,
    ServerReflection(descriptorSet(), Object.keys(options.policy)),
  );
  const graceMs = options.shutdownGraceMs ?? 5000;

  return {
    server,
    health,
    async listen(address, { serving = true } = {}) {
      health.setStatus(serving ? 'healthy' : 'unhealthy');
      const port = await server.listen(address, serverCredentials(options.tls));
      return port;
    },
    async shutdown() {
      health.setStatus('unhealthy');
      let timer: NodeJS.Timeout | undefined;
      const graceful = server.shutdown();
      const deadline = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), graceMs);
      });
      const result = await Promise.race([graceful, deadline]);
      clearTimeout(timer);
      if (result === 'timeout') {
        options.logger.warn({ graceMs }, 'in-flight calls outlived the grace period; cancelling');
        server.forceShutdown();
      }
    },
  };
}
