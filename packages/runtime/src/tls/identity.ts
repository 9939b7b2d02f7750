import type { PeerCertificate } from 'node:tls';

/**
 * Every certificate names one role in a SPIFFE-style URI SAN, `spiffe://strife/<role>/<name>`,
 * signed by the cluster's CA. Services admit peers by role (see `peerPolicy.ts`).
 */
export const ROLES = ['gateway', 'bank', 'txid', 'client', 'monitor'] as const;
export type Role = (typeof ROLES)[number];

export interface PeerIdentity {
  readonly role: Role;
  /** `SBI` for a bank, the service or client name otherwise. */
  readonly name: string;
}

const TRUST_DOMAIN = 'strife';

export function identityUri(identity: PeerIdentity): string {
  return `spiffe://${TRUST_DOMAIN}/${identity.role}/${identity.name}`;
}

export function formatIdentity(identity: PeerIdentity): string {
  return `${identity.role}/${identity.name}`;
}

/** Parses `role/name` (the form `formatIdentity` writes); undefined when malformed. */
export function parseIdentity(text: string): PeerIdentity | undefined {
  const [role, name, ...rest] = text.split('/');
  if (rest.length > 0 || name === undefined || name === '' || !isRole(role)) return undefined;
  return { role, name };
}

/**
 * The identity in a verified peer certificate's URI SAN. Only meaningful for certificates the
 * TLS layer has already chained to the cluster CA.
 */
export function identityOfCertificate(cert: PeerCertificate | undefined): PeerIdentity | undefined {
  const sans = cert?.subjectaltname?.split(', ') ?? [];
  const prefix = `URI:spiffe://${TRUST_DOMAIN}/`;
  const uri = sans.find((san) => san.startsWith(prefix));
  return uri === undefined ? undefined : parseIdentity(uri.slice(prefix.length));
}

function isRole(value: string | undefined): value is Role {
  return (ROLES as readonly (string | undefined)[]).includes(value);
}
