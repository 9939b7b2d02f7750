import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChannelCredentials, ServerCredentials } from '@grpc/grpc-js';
import { ConfigError } from '../config/configError';
import { formatIdentity, identityOfCertificate, type PeerIdentity, type Role } from './identity';

/** The CA, certificate and private key one process presents. */
export interface TlsMaterial {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** File names under the certs folder: `ca.pem`, `<name>.pem`, `<name>-key.pem`. */
export function certFiles(certsDir: string, name: string): { cert: string; key: string } {
  return { cert: join(certsDir, `${name}.pem`), key: join(certsDir, `${name}-key.pem`) };
}

export const CA_FILE = 'ca.pem';

/**
 * Reads the TLS material for `name` (e.g. `gateway`, `bank-SBI`, `client`).
 * @throws ConfigError naming the missing file and how to create it.
 */
export function loadTlsMaterial(certsDir: string, name: string): TlsMaterial {
  const files = certFiles(certsDir, name);
  const read = (path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch {
      throw new ConfigError(`STRIFE_CERTS_DIR: cannot read ${path} (run \`pnpm certs\`)`);
    }
  };
  return { ca: read(join(certsDir, CA_FILE)), cert: read(files.cert), key: read(files.key) };
}

/** Server credentials that require a client certificate chained to the cluster CA. */
export function serverCredentials(tls: TlsMaterial): ServerCredentials {
  return ServerCredentials.createSsl(
    tls.ca,
    [{ cert_chain: tls.cert, private_key: tls.key }],
    true,
  );
}

/**
 * Client credentials presenting our certificate. When `expect` is given, the server's
 * certificate must carry that role (and name, if set): a gateway never hands a payment to
 * something that is not a bank.
 */
export function clientCredentials(
  tls: TlsMaterial,
  expect?: { readonly role: Role; readonly name?: string },
): ChannelCredentials {
  return ChannelCredentials.createSsl(tls.ca, tls.key, tls.cert, {
    checkServerIdentity: (_host, cert) => {
      if (!expect) return undefined;
      const peer = identityOfCertificate(cert);
      if (peer && matches(peer, expect)) return undefined;
      const wanted = expect.name ? `${expect.role}/${expect.name}` : expect.role;
      const got = peer ? formatIdentity(peer) : 'no Strife identity';
      return new Error(`server certificate is ${got}, expected ${wanted}`);
    },
  });
}

function matches(peer: PeerIdentity, expect: { role: Role; name?: string }): boolean {
  return peer.role === expect.role && (expect.name === undefined || peer.name === expect.name);
}
