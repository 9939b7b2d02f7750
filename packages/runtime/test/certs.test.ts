import { X509Certificate } from 'node:crypto';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterCertSpecs, ensureCertificates, loadConfig } from '../src';
import { tempDir } from './helpers';

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
