import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** EC P-256: fast to generate and to handshake, and supported by grpc-js. */
const KEY_ARGS = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function openssl(args: readonly string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`openssl ${args[0] ?? ''} failed: ${stderr || String(err)}`, { cause: err });
  }
}

/** Creates a self-signed CA certificate and key. */
export function createCa(certFile: string, keyFile: string, subject: string, days: number): void {
  openssl([
    'req',
    '-x509',
    ...KEY_ARGS,
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    String(days),
    '-subj',
    subject,
    '-addext',
    'basicConstraints=critical,CA:TRUE,pathlen:0',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  chmodSync(keyFile, 0o600);
}

export interface LeafRequest {
  readonly certFile: string;
  readonly keyFile: string;
  readonly subject: string;
  /** Full SAN list, e.g. `DNS:localhost,IP:127.0.0.1,URI:spiffe://strife/bank/SBI`. */
  readonly subjectAltName: string;
  readonly days: number;
}

/** Creates a key and a certificate for it signed by the CA, valid for server and client auth. */
export function createLeaf(caCert: string, caKey: string, leaf: LeafRequest): void {
  const work = mkdtempSync(join(tmpdir(), 'strife-certs-'));
  try {
    const csr = join(work, 'leaf.csr');
    const ext = join(work, 'leaf.ext');
    writeFileSync(
      ext,
      [
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature,keyAgreement',
        'extendedKeyUsage=serverAuth,clientAuth',
        `subjectAltName=${leaf.subjectAltName}`,
      ].join('\n'),
    );
    openssl([
      'req',
      '-new',
      ...KEY_ARGS,
      '-keyout',
      leaf.keyFile,
      '-out',
      csr,
      '-subj',
      leaf.subject,
    ]);
    chmodSync(leaf.keyFile, 0o600);
    openssl([
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      caCert,
      '-CAkey',
      caKey,
      '-set_serial',
      `0x${randomBytes(16).toString('hex')}`,
      '-days',
      String(leaf.days),
      '-extfile',
      ext,
      '-out',
      leaf.certFile,
    ]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
