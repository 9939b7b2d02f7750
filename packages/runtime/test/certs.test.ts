import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  BasicConstraints,
  Certificate,
  id_ce_basicConstraints,
  id_ce_keyUsage,
  id_kp_clientAuth,
  id_kp_serverAuth,
  KeyUsage,
} from '@peculiar/asn1-x509';
import { clusterCertSpecs, ensureCertificates, loadConfig } from '../src';
import { tempDir } from './helpers';

/** The critical flag and DER value of one extension of a certificate file. */
function extensionOf(path: string, oid: string): { critical: boolean; value: ArrayBuffer } {
  const cert = AsnConvert.parse(new X509Certificate(readFileSync(path)).raw, Certificate);
  const found = cert.tbsCertificate.extensions?.find((e) => e.extnID === oid);
  if (!found) throw new Error(`${path} has no extension ${oid}`);
  return { critical: found.critical, value: found.extnValue.buffer };
}

describe('ensureCertificates', () => {
  const dir = tempDir('certs');
  afterAll(() => dir.remove());
  const specs = clusterCertSpecs(loadConfig({}, dir.path));

  it('creates a CA and one certificate per identity, with role SANs and private keys 0600', () => {
    const result = ensureCertificates(dir.path, specs);
    expect(result.created).toEqual([
      'ca',
      'txid',
      'gateway',
      'bank-ICICI',
      'bank-SBI',
      'client',
      'monitor',
    ]);
    const ca = new X509Certificate(readFileSync(join(dir.path, 'ca.pem')));
    const bank = new X509Certificate(readFileSync(join(dir.path, 'bank-SBI.pem')));
    expect(bank.verify(ca.publicKey)).toBe(true);
    expect(bank.subjectAltName).toBe(
      'DNS:localhost, IP Address:127.0.0.1, URI:spiffe://strife/bank/SBI',
    );
    expect(statSync(join(dir.path, 'bank-SBI-key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir.path, 'ca-key.pem')).mode & 0o777).toBe(0o600);
  });

  it('limits the CA to signing leaves and each leaf to TLS, on PKCS#8 EC P-256 keys', () => {
    const constraints = (file: string) => {
      const ext = extensionOf(join(dir.path, file), id_ce_basicConstraints);
      const value = AsnConvert.parse(ext.value, BasicConstraints);
      return { critical: ext.critical, ca: value.cA, pathLength: value.pathLenConstraint };
    };
    const usages = (file: string) => {
      const ext = extensionOf(join(dir.path, file), id_ce_keyUsage);
      return {
        critical: ext.critical,
        usages: AsnConvert.parse(ext.value, KeyUsage).toJSON().sort(),
      };
    };
    expect(constraints('ca.pem')).toEqual({ critical: true, ca: true, pathLength: 0 });
    expect(usages('ca.pem')).toEqual({ critical: true, usages: ['crlSign', 'keyCertSign'] });
    expect(constraints('txid.pem')).toEqual({ critical: true, ca: false, pathLength: undefined });
    expect(usages('txid.pem')).toEqual({
      critical: true,
      usages: ['digitalSignature', 'keyAgreement'],
    });
    const txid = new X509Certificate(readFileSync(join(dir.path, 'txid.pem')));
    expect(txid.keyUsage).toEqual([id_kp_serverAuth, id_kp_clientAuth]);
    expect(txid.subject).toBe('O=Strife\nOU=txid\nCN=txid');

    const keyPem = readFileSync(join(dir.path, 'txid-key.pem'), 'utf8');
    expect(keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const key = createPrivateKey(keyPem);
    expect(key.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    expect(txid.checkPrivateKey(key)).toBe(true);
  });

  it('keeps valid certificates on a second run', () => {
    const before = readFileSync(join(dir.path, 'gateway.pem'), 'utf8');
    const result = ensureCertificates(dir.path, specs);
    expect(result.created).toEqual([]);
    expect(result.kept).toHaveLength(specs.length);
    expect(readFileSync(join(dir.path, 'gateway.pem'), 'utf8')).toBe(before);
  });

  it('replaces only a missing or broken certificate', () => {
    rmSync(join(dir.path, 'client.pem'));
    writeFileSync(join(dir.path, 'txid-key.pem'), 'not a key');
    expect(ensureCertificates(dir.path, specs).created).toEqual(['txid', 'client']);
  });

  it('reissues every certificate when the CA is replaced', () => {
    rmSync(join(dir.path, 'ca-key.pem'));
    expect(ensureCertificates(dir.path, specs).created).toHaveLength(specs.length + 1);
  });
});
