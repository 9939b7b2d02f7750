import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { TLSSocket } from 'node:tls';
import type { TlsMaterial } from '@strife/runtime';
import type { ListenAddress } from '../config/listenAddress';
import { sendJson } from './routes';

export interface ConsoleServer {
  /** The bound port (the configured one, or the one picked for port 0). */
  readonly port: number;
  /** Where to open the page, e.g. `http://127.0.0.1:50080/`. */
  readonly url: string;
  close(): Promise<void>;
}

export interface ServeOptions {
  readonly listen: ListenAddress;
  /** The console's certificate, for a non-loopback address (HTTPS with client certificates). */
  readonly tls?: TlsMaterial;
  readonly handle: (request: IncomingMessage, response: ServerResponse) => void;
  /** Called before closing, to end the event streams that would keep connections open. */
  readonly beforeClose?: () => void;
}

/**
 * Listens on the console's address. On loopback: plain HTTP, answering only requests whose Host
 * is this address (`localhost`, `127.0.0.1` or the configured host with the port), so a web page
 * elsewhere cannot read the console through DNS rebinding. Elsewhere: HTTPS, and only to clients
 * presenting a certificate of the cluster's CA with the `monitor` role (other roles get 403; no
 * certificate, no handshake), as the services' metrics endpoints do.
 */
export async function serveConsole(options: ServeOptions): Promise<ConsoleServer> {
  const { listen } = options;
  let port = listen.port;
  const hosts = (): Set<string> =>
    new Set([`${listen.host.toLowerCase()}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`]);
  const guarded = (request: IncomingMessage, response: ServerResponse): void => {
    if (options.tls) {
      if (peerRole(request) !== 'monitor') {
        sendJson(response, 403, { error: 'a monitor certificate is required' });
        return;
      }
    } else if (!hosts().has((request.headers.host ?? '').toLowerCase())) {
      sendJson(response, 403, {
        error: `unexpected Host header; open http://${listen.host}:${port}/`,
      });
      return;
    }
    options.handle(request, response);
  };
  const server: HttpServer | HttpsServer = options.tls
    ? createHttpsServer(
        {
          key: options.tls.key,
          cert: options.tls.cert,
          ca: options.tls.ca,
          requestCert: true,
          rejectUnauthorized: true,
        },
        guarded,
      )
    : createHttpServer(guarded);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address();
  port = typeof bound === 'object' && bound !== null ? bound.port : listen.port;
  return {
    port,
    url: `${options.tls ? 'https' : 'http'}://${listen.host}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        options.beforeClose?.();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The role in the client certificate's identity URI (`spiffe://strife/<role>/<name>`), which the
 * TLS layer has already chained to the cluster CA; undefined without one.
 */
function peerRole(request: IncomingMessage): string | undefined {
  const socket = request.socket;
  if (!(socket instanceof TLSSocket)) return undefined;
  const sans = socket.getPeerCertificate().subjectaltname?.split(', ') ?? [];
  const uri = sans.find((san) => san.startsWith('URI:spiffe://strife/'));
  return uri?.slice('URI:spiffe://strife/'.length).split('/')[0];
}
