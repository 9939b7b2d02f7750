import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CA_FILE, certFiles } from '../tls/credentials';
import { identityUri, type PeerIdentity } from '../tls/identity';
import { createCa, createLeaf } from './openssl';

/** One certificate to issue: its file name under the certs folder and the identity it carries. */
export interface CertSpec {
  readonly file: string;
  readonly identity: PeerIdentity;
}

export interface EnsureOptions {
  /** Certificates expiring sooner than this are replaced. Default 30 days. */
  readonly renewBeforeDays?: number;
  /** Subject organisation; tests use another to make a foreign CA. Default `Strife`. */
  readonly organisation?: string;
}

export interface EnsureResult {
  readonly created: readonly string[];
  readonly kept: readonly string[];
}

const CA_DAYS = 3650;
const LEAF_DAYS = 825;
const DAY_MS = 86_400_000;

/**
 * Makes sure `dir` holds a CA and a valid certificate for each spec, keeping those that chain
 * to the CA, match their key and identity, and are not about to expire. A new CA reissues every
 * leaf. Idempotent: a second call creates nothing.
 */
export function ensureCertificates(
  dir: string,
  specs: readonly CertSpec[],
  options: EnsureOptions = {},
): EnsureResult {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const renewBefore = (options.renewBeforeDays ?? 30) * DAY_MS;
  const org = options.organisation ?? 'Strife';
  const caCert = join(dir, CA_FILE);
  const caKey = join(dir, 'ca-key.pem');
  const created: string[] = [];
  const kept: string[] = [];

  let ca = readValid(caCert, caKey, renewBefore);
  if (!ca) {
    createCa(caCert, caKey, `/O=${org}/CN=${org} Dev CA`, CA_DAYS);
    ca = new X509Certificate(readFileSync(caCert));
    created.push('ca');
  }

  for (const spec of specs) {
    const files = certFiles(dir, spec.file);
    const uri = identityUri(spec.identity);
    const leaf = readValid(files.cert, files.key, renewBefore);
    if (
      leaf &&
      leaf.checkIssued(ca) &&
      leaf.verify(ca.publicKey) &&
      leaf.subjectAltName?.includes(`URI:${uri}`)
    ) {
      kept.push(spec.file);
      continue;
    }
    createLeaf(caCert, caKey, {
      certFile: files.cert,
      keyFile: files.key,
      subject: `/O=${org}/OU=${spec.identity.role}/CN=${spec.identity.name}`,
      subjectAltName: `DNS:localhost,IP:127.0.0.1,URI:${uri}`,
      days: LEAF_DAYS,
    });
    created.push(spec.file);
  }
  return { created, kept };
}

/** The certificate if it and its key exist, match, and outlive `renewBeforeMs`. */
function readValid(
  certFile: string,
  keyFile: string,
  renewBeforeMs: number,
): X509Certificate | undefined {
  if (!existsSync(certFile) || !existsSync(keyFile)) return undefined;
  try {
    const cert = new X509Certificate(readFileSync(certFile));
    const fresh = new Date(cert.validTo).getTime() - Date.now() > renewBeforeMs;
    return fresh && cert.checkPrivateKey(createPrivateKey(readFileSync(keyFile)))
      ? cert
      : undefined;
  } catch {
    return undefined;
  }
}
