import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CA_FILE, certFiles } from '../tls/credentials';
import type { PeerIdentity } from '../tls/identity';
import { type CertificateAuthority, issueCa, issueLeaf } from './issue';
import { type PemPaths, readCertificate, writeCertificate } from './pemFiles';
import { certificateCovers } from './subjectNames';

/** One certificate to issue: its file name under the certs folder and the identity it carries. */
export interface CertSpec {
  readonly file: string;
  readonly identity: PeerIdentity;
  /**
   * Hosts (DNS names or IPv4/IPv6 literals) the certificate must be valid for besides
   * `localhost` and `127.0.0.1`, e.g. the host of the address its service listens on. A kept
   * certificate that no longer covers one of them is reissued. Default none.
   */
  readonly hosts?: readonly string[];
}

/** How `ensureCertificates` decides and names what it issues. */
export interface EnsureOptions {
  /** Certificates expiring sooner than this are replaced. Default 30 days. */
  readonly renewBeforeDays?: number;
  /** Subject organisation; tests use another to make a foreign CA. Default `Strife`. */
  readonly organisation?: string;
}

/** What `ensureCertificates` did, by file name (`ca` for the CA), in the order of the specs. */
export interface EnsureResult {
  /** Issued now: missing, broken, expiring, or no longer matching their spec or the CA. */
  readonly created: readonly string[];
  /** Left as they were. */
  readonly kept: readonly string[];
}

const CA_DAYS = 3650;
const LEAF_DAYS = 825;
const DAY_MS = 86_400_000;

/**
 * Makes sure `dir` (created 0700 if missing) holds a CA and a valid certificate for each spec,
 * keeping those that chain to the CA, match their key, carry their identity, cover their hosts
 * and are not about to expire. A new CA reissues every leaf. Idempotent: a second call creates
 * nothing. Everything is done in-process (EC P-256 keys, PKCS#8 PEM); no `openssl` is needed.
 */
export function ensureCertificates(
  dir: string,
  specs: readonly CertSpec[],
  options: EnsureOptions = {},
): EnsureResult {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const renewBeforeMs = (options.renewBeforeDays ?? 30) * DAY_MS;
  const organisation = options.organisation ?? 'Strife';
  const created: string[] = [];
  const kept: string[] = [];

  const caPaths: PemPaths = { cert: join(dir, CA_FILE), key: join(dir, 'ca-key.pem') };
  let ca = readCa(caPaths, renewBeforeMs);
  if (!ca) {
    const issued = issueCa(organisation, CA_DAYS);
    writeCertificate(caPaths, issued);
    ca = { cert: new X509Certificate(issued.cert), key: createPrivateKey(issued.key) };
    created.push('ca');
  }

  for (const spec of specs) {
    const paths = certFiles(dir, spec.file);
    const hosts = spec.hosts ?? [];
    const leaf = readCertificate(paths, renewBeforeMs);
    if (
      leaf &&
      leaf.cert.checkIssued(ca.cert) &&
      leaf.cert.verify(ca.cert.publicKey) &&
      certificateCovers(leaf.cert, spec.identity, hosts)
    ) {
      kept.push(spec.file);
      continue;
    }
    const issued = issueLeaf(ca, {
      organisation,
      identity: spec.identity,
      hosts,
      days: LEAF_DAYS,
    });
    writeCertificate(paths, issued);
    created.push(spec.file);
  }
  return { created, kept };
}

/** A usable CA: valid, a CA, and with an EC key (leaves are signed ECDSA with SHA-256). */
function readCa(paths: PemPaths, renewBeforeMs: number): CertificateAuthority | undefined {
  const found = readCertificate(paths, renewBeforeMs);
  return found?.cert.ca && found.key.asymmetricKeyType === 'ec' ? found : undefined;
}
