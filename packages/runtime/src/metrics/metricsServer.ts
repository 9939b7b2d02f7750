import { createServer, type Server } from 'node:https';
import { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { TlsMaterial } from '../tls/credentials';
import { formatIdentity, identityOfCertificate } from '../tls/identity';

export interface MetricsServer {
  /** The bound port (use port 0 in tests). */
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves `registry` as Prometheus text at `https://<address>/metrics`, over TLS with client
 * certificates chained to the cluster CA, to the `monitor` role only: business volumes are not
 * for every peer. A connection without a certificate never completes the handshake; a
 * certificate of another role gets 403. Prometheus scrapes it with `tls_config` cert_file and
 * key_file of a monitor certificate.
 */
export async function serveMetrics(
  address: string,
  tls: TlsMaterial,
  registry: Registry,
  logger: Logger,
): Promise<MetricsServer> {
  const server: Server = createServer(
    { key: tls.key, cert: tls.cert, ca: tls.ca, requestCert: true, rejectUnauthorized: true },
    (request, response) => {
      const { socket } = request;
      const peer =
        socket instanceof TLSSocket
          ? identityOfCertificate(socket.getPeerCertificate())
          : undefined;
      if (peer?.role !== 'monitor') {
        logger.warn(
          { peer: peer ? formatIdentity(peer) : 'none', ip: request.socket.remoteAddress },
          'metrics refused: only the monitor role may scrape',
        );
        response.writeHead(403, { 'content-type': 'text/plain' }).end('monitor role required\n');
        return;
      }
      if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('see /metrics\n');
        return;
      }
      registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (err: unknown) => {
          logger.error({ err }, 'collecting metrics failed');
          response.writeHead(500).end();
        },
      );
    },
  );
  const [host, port] = splitAddress(address);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address();
  return {
    port: typeof bound === 'object' && bound !== null ? bound.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function splitAddress(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  return [address.slice(0, at), Number(address.slice(at + 1))];
}
