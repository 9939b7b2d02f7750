import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureCertificates, loadTlsMaterial, type TlsMaterial } from '@strife/runtime';

/** The console's own certificate under the certs folder: `console.pem`, `console-key.pem`. */
export const CONSOLE_CERT = 'console';

/**
 * The certificate the console serves HTTPS with on a non-loopback `host`: `console.pem` in
 * `certsDir`, identity `monitor/console`, valid for `host` as well as localhost and 127.0.0.1.
 * When the cluster's CA key is at hand (a dev or test cluster: `pnpm certs` keeps it beside the
 * CA) a missing, expiring or mismatched one is issued now; without it the operator provides it.
 * @returns the certificate, its key and the cluster CA (which the browser's client certificate
 *   must chain to), and whether it was issued now.
 * @throws ConfigError naming the file that is missing.
 */
export function consoleTls(certsDir: string, host: string): { tls: TlsMaterial; issued: boolean } {
  let issued = false;
  if (existsSync(join(certsDir, 'ca.pem')) && existsSync(join(certsDir, 'ca-key.pem'))) {
    const result = ensureCertificates(certsDir, [
      { file: CONSOLE_CERT, identity: { role: 'monitor', name: 'console' }, hosts: [host] },
    ]);
    issued = result.created.length > 0;
  }
  return { tls: loadTlsMaterial(certsDir, CONSOLE_CERT), issued };
}
