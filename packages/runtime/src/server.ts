import { createServer, type Server } from 'nice-grpc';
import { HealthDefinition, HealthServiceImpl, HealthState } from 'nice-grpc-server-health';
import type { Logger } from 'pino';
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
 * table, and `grpc.health.v1`.
 */
export function createStrifeServer(options: StrifeServerOptions): StrifeServer {
  const refused = peerPolicyInterceptor(options.policy, (refusal) =>
    options.logger.warn(refusal, 'call refused: peer role not admitted'),
  );
  const server = createServer({ interceptors: [refused] })
    .use(callLoggingMiddleware(options.logger))
    .use(errorMappingMiddleware(options.logger));
  const health = HealthState();
  server.add(HealthDefinition, HealthServiceImpl(health));
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
