import type { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  Certificate,
  GeneralName,
  id_ce_subjectAltName,
  SubjectAlternativeName,
} from '@peculiar/asn1-x509';
import { identityUri, type PeerIdentity } from '../tls/identity';

/** Every certificate is valid for these, so local tools, probes and tests can always connect. */
const LOCAL_HOSTS = ['localhost', '127.0.0.1'] as const;

/** A host as a SAN holds it: an IP literal in canonical form, or a lower-case DNS name. */
interface SanHost {
  readonly type: 'dns' | 'ip';
  readonly value: string;
}

/**
 * The host part of a cluster-file address: `HOST:PORT` or `[IPv6]:PORT` (a bare IPv6 literal
 * is taken whole), e.g. `127.0.0.1`, `gw1.example.internal`, `::1`.
 */
export function hostOfAddress(address: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed?.[1] !== undefined) return bracketed[1];
  if (isIP(address) === 6) return address;
  const colon = address.lastIndexOf(':');
  return colon === -1 ? address : address.slice(0, colon);
}

/**
 * The subject alternative names of a certificate for `identity` serving `hosts`: DNS names,
 * then IP addresses (`localhost` and `127.0.0.1` always, then each host once), then the
 * identity URI that peers are admitted by.
 */
export function subjectAltNames(
  identity: PeerIdentity,
  hosts: readonly string[],
): SubjectAlternativeName {
  const unique = new Map<string, SanHost>();
  for (const host of [...LOCAL_HOSTS, ...hosts].map(sanHost)) {
    unique.set(`${host.type}:${host.value}`, host);
  }
  const all = [...unique.values()];
  return new SubjectAlternativeName([
    ...all.filter((h) => h.type === 'dns').map((h) => new GeneralName({ dNSName: h.value })),
    ...all.filter((h) => h.type === 'ip').map((h) => new GeneralName({ iPAddress: h.value })),
    new GeneralName({ uniformResourceIdentifier: identityUri(identity) }),
  ]);
}

/**
 * Whether `cert` carries exactly the identity URI of `identity` and is valid, as a TLS client
 * checks it, for `localhost`, `127.0.0.1` and every host in `hosts`.
 */
export function certificateCovers(
  cert: X509Certificate,
  identity: PeerIdentity,
  hosts: readonly string[],
): boolean {
  const uris = sanEntries(cert).flatMap((name) => name.uniformResourceIdentifier ?? []);
  if (uris.length !== 1 || uris[0] !== identityUri(identity)) return false;
  return [...LOCAL_HOSTS, ...hosts]
    .map(sanHost)
    .every((host) =>
      host.type === 'ip'
        ? cert.checkIP(host.value) !== undefined
        : cert.checkHost(host.value, { subject: 'never' }) !== undefined,
    );
}

function sanEntries(cert: X509Certificate): readonly GeneralName[] {
  const parsed = AsnConvert.parse(cert.raw, Certificate);
  const san = parsed.tbsCertificate.extensions?.find((e) => e.extnID === id_ce_subjectAltName);
  return san ? AsnConvert.parse(san.extnValue.buffer, SubjectAlternativeName) : [];
}

function sanHost(host: string): SanHost {
  const family = isIP(host);
  if (family === 6) {
    // The URL parser writes IPv6 in one canonical form (RFC 5952), IPv4-mapped ones included,
    // which the SAN encoder reads; a zone index has no place in a certificate.
    const bare = host.split('%')[0] ?? host;
    return { type: 'ip', value: new URL(`http://[${bare}]/`).hostname.slice(1, -1) };
  }
  if (family === 4) return { type: 'ip', value: host };
  return { type: 'dns', value: host.toLowerCase().replace(/\.$/, '') };
}
