import { generateKeyPairSync, type KeyObject, sign, X509Certificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  type Extension,
  Extensions,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  id_kp_clientAuth,
  id_kp_serverAuth,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  type Name,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509';
import type { PeerIdentity } from '../tls/identity';
import { subjectAltNames } from './subjectNames';
import {
  distinguishedName,
  ECDSA_WITH_SHA256,
  extension,
  keyIdentifier,
  randomSerialNumber,
} from './x509Fields';

/** A certificate and its private key, both PEM; the key is unencrypted PKCS#8. */
export interface IssuedCertificate {
  readonly cert: string;
  readonly key: string;
}

/** The CA that signs leaves: its certificate and its EC private key. */
export interface CertificateAuthority {
  readonly cert: X509Certificate;
  readonly key: KeyObject;
}

/** What a leaf certificate says: who holds it, where it serves, and for how long. */
export interface LeafRequest {
  /** Subject organisation (`O`); the role is the `OU` and the identity's name the `CN`. */
  readonly organisation: string;
  readonly identity: PeerIdentity;
  /** Hosts to name besides `localhost` and `127.0.0.1`; see `subjectAltNames`. */
  readonly hosts: readonly string[];
  /** Days of validity, cut short to the CA's own expiry. */
  readonly days: number;
}

const DAY_MS = 86_400_000;
/** Certificates start a little in the past so a peer whose clock lags still accepts them. */
const BACKDATE_MS = 5 * 60_000;

/**
 * A self-signed CA on a new EC P-256 key: `O=<organisation>, CN=<organisation> Dev CA`,
 * basicConstraints CA:TRUE pathlen 0 and keyUsage keyCertSign, cRLSign (both critical).
 */
export function issueCa(organisation: string, days: number): IssuedCertificate {
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKeyInfo(keys.publicKey);
  const subject = distinguishedName([
    ['O', organisation],
    ['CN', `${organisation} Dev CA`],
  ]);
  const notBefore = Date.now() - BACKDATE_MS;
  const cert = signCertificate({
    subject,
    issuer: subject,
    spki,
    signingKey: keys.privateKey,
    validity: new Validity({
      notBefore: new Date(notBefore),
      notAfter: new Date(notBefore + days * DAY_MS),
    }),
    extensions: [
      extension(
        id_ce_basicConstraints,
        true,
        new BasicConstraints({ cA: true, pathLenConstraint: 0 }),
      ),
      extension(
        id_ce_keyUsage,
        true,
        new KeyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign),
      ),
      extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyIdentifier(spki))),
    ],
  });
  return { cert, key: exportKey(keys.privateKey) };
}

/**
 * A certificate on a new EC P-256 key signed by `ca`, for both ends of mutual TLS: CA:FALSE,
 * keyUsage digitalSignature, keyAgreement (critical), extendedKeyUsage serverAuth, clientAuth,
 * and the SANs of `subjectAltNames` (DNS and IP hosts, then the identity URI).
 */
export function issueLeaf(ca: CertificateAuthority, request: LeafRequest): IssuedCertificate {
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKeyInfo(keys.publicKey);
  const issuer = AsnConvert.parse(ca.cert.raw, Certificate).tbsCertificate;
  const notBefore = Date.now() - BACKDATE_MS;
  const notAfter = Math.min(
    notBefore + request.days * DAY_MS,
    issuer.validity.notAfter.getTime().getTime(),
  );
  const cert = signCertificate({
    subject: distinguishedName([
      ['O', request.organisation],
      ['OU', request.identity.role],
      ['CN', request.identity.name],
    ]),
    issuer: issuer.subject,
    spki,
    signingKey: ca.key,
    validity: new Validity({ notBefore: new Date(notBefore), notAfter: new Date(notAfter) }),
    extensions: [
      extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: false })),
      extension(
        id_ce_keyUsage,
        true,
        new KeyUsage(KeyUsageFlags.digitalSignature | KeyUsageFlags.keyAgreement),
      ),
      extension(
        id_ce_extKeyUsage,
        false,
        new ExtendedKeyUsage([id_kp_serverAuth, id_kp_clientAuth]),
      ),
      extension(id_ce_subjectAltName, false, subjectAltNames(request.identity, request.hosts)),
      extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyIdentifier(spki))),
      extension(
        id_ce_authorityKeyIdentifier,
        false,
        new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(authorityKeyId(issuer)) }),
      ),
    ],
  });
  return { cert, key: exportKey(keys.privateKey) };
}

interface ToBeSigned {
  readonly subject: Name;
  readonly issuer: Name;
  readonly spki: SubjectPublicKeyInfo;
  readonly signingKey: KeyObject;
  readonly validity: Validity;
  readonly extensions: readonly Extension[];
}

/** Encodes and signs (ECDSA with SHA-256, DER signature) an X.509 v3 certificate; PEM out. */
function signCertificate(tbs: ToBeSigned): string {
  const tbsCertificate = new TBSCertificate({
    version: Version.v3,
    serialNumber: randomSerialNumber(),
    signature: ECDSA_WITH_SHA256,
    issuer: tbs.issuer,
    validity: tbs.validity,
    subject: tbs.subject,
    subjectPublicKeyInfo: tbs.spki,
    extensions: new Extensions([...tbs.extensions]),
  });
  const signature = sign(
    'sha256',
    Buffer.from(AsnConvert.serialize(tbsCertificate)),
    tbs.signingKey,
  );
  const der = AsnConvert.serialize(
    new Certificate({
      tbsCertificate,
      signatureAlgorithm: ECDSA_WITH_SHA256,
      signatureValue: new Uint8Array(signature).buffer,
    }),
  );
  // Node's parser re-reads what we wrote, so a malformed encoding fails here, not in a handshake.
  return new X509Certificate(Buffer.from(der)).toString();
}

/** The CA's own subject key identifier when it has one (OpenSSL-made CAs do), else computed. */
function authorityKeyId(ca: TBSCertificate): ArrayBuffer {
  const ski = ca.extensions?.find((e) => e.extnID === id_ce_subjectKeyIdentifier);
  return ski
    ? AsnConvert.parse(ski.extnValue.buffer, SubjectKeyIdentifier).buffer
    : keyIdentifier(ca.subjectPublicKeyInfo);
}

function publicKeyInfo(publicKey: KeyObject): SubjectPublicKeyInfo {
  return AsnConvert.parse(publicKey.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo);
}

function exportKey(privateKey: KeyObject): string {
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}
