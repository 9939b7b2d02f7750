import { Agent, request } from 'node:https';
import type { TlsMaterial } from '../tls/credentials';

/** How long one scrape may take. */
const SCRAPE_TIMEOUT_MS = 1000;

/** The most text one scrape reads: a metrics page is a few kilobytes; anything past this is cut off. */
const MAX_BYTES = 4 * 1024 * 1024;

/**
 * An HTTPS agent presenting `tls` (a `monitor` certificate: the metrics servers admit no other
 * role) and trusting the cluster CA only, keeping connections open between scrapes so each scrape
 * is not a new TLS handshake. Destroy it when done.
 */
export function metricsAgent(tls: TlsMaterial): Agent {
  return new Agent({ keepAlive: true, maxSockets: 2, ca: tls.ca, cert: tls.cert, key: tls.key });
}

/**
 * GETs `https://<address>/metrics` through `agent` (see `metricsAgent`), checking the server's
 * certificate against the cluster CA and its host. Resolves with the Prometheus text; rejects
 * with a one-line reason on any failure, a status other than 200, a body past 4 MiB, or after
 * `timeoutMs`.
 */
export function scrapeMetrics(
  address: string,
  agent: Agent,
  timeoutMs = SCRAPE_TIMEOUT_MS,
): Promise<string> {
  const colon = address.lastIndexOf(':');
  return new Promise((resolve, reject) => {
    const call = request(
      {
        host: address.slice(0, colon),
        port: Number(address.slice(colon + 1)),
        path: '/metrics',
        timeout: timeoutMs,
        agent,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BYTES) {
            call.destroy(new Error(`metrics at ${address} larger than ${MAX_BYTES} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => {
          if (response.statusCode === 200) resolve(Buffer.concat(chunks).toString('utf8'));
          else reject(new Error(`metrics at ${address}: HTTP ${response.statusCode ?? '?'}`));
        });
        response.on('error', reject);
      },
    );
    call.on('timeout', () =>
      call.destroy(new Error(`metrics at ${address}: no answer in ${timeoutMs} ms`)),
    );
    call.on('error', reject);
    call.end();
  });
}
