import { createHash, randomBytes } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  Extension,
  Name,
  RelativeDistinguishedName,
  type SubjectPublicKeyInfo,
} from '@peculiar/asn1-x509';

/** ecdsa-with-SHA256 (RFC 5758): no parameters, the only signature our EC P-256 keys make. */
export const ECDSA_WITH_SHA256 = new AlgorithmIdentifier({ algorithm: '1.2.840.10045.4.3.2' });

/** Attribute types of the subject names we write (RFC 4519). */
const NAME_ATTRIBUTES = { O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3' } as const;

/** One relative distinguished name per attribute, in the order given, as UTF8String values. */
export function distinguishedName(
  entries: readonly (readonly [keyof typeof NAME_ATTRIBUTES, string])[],
): Name {
  return new Name(
    entries.map(
      ([type, value]) =>
        new RelativeDistinguishedName([
          new AttributeTypeAndValue({
            type: NAME_ATTRIBUTES[type],
            value: new AttributeValue({ utf8String: value }),
          }),
        ]),
    ),
  );
}

/** An extension whose value is the DER of `value` (an asn1-x509 schema object). */
export function extension(extnID: string, critical: boolean, value: object): Extension {
  return new Extension({
    extnID,
    critical,
    extnValue: new OctetString(AsnConvert.serialize(value)),
  });
}

/**
 * The key identifier of RFC 5280 §4.2.1.2 method 1 (SHA-1 of the public key bits), which is
 * also what OpenSSL writes, so identifiers of CAs it made still match.
 */
export function keyIdentifier(spki: SubjectPublicKeyInfo): ArrayBuffer {
  const digest = createHash('sha1').update(new Uint8Array(spki.subjectPublicKey)).digest();
  return toArrayBuffer(digest);
}

/** A random positive 128-bit serial number, minimally encoded (RFC 5280 §4.1.2.2). */
export function randomSerialNumber(): ArrayBuffer {
  const bytes = randomBytes(16);
  // Top bit clear keeps the INTEGER positive; a set second-highest bit keeps byte 0 non-zero,
  // so DER needs no leading zero byte and the length stays 16.
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return toArrayBuffer(bytes);
}

/** A copy of `bytes` in an ArrayBuffer of its own (Buffers may share a larger pool). */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}
