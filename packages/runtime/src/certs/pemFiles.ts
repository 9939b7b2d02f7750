import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { IssuedCertificate } from './issue';

/** Where one certificate and its key live (see `certFiles`). */
export interface PemPaths {
  readonly cert: string;
  readonly key: string;
}

/** A certificate read back with the private key that matches it. */
export interface CertificateWithKey {
  readonly cert: X509Certificate;
  readonly key: KeyObject;
}

/**
 * The certificate and key at `paths` if both parse, belong together and the certificate is valid
 * for more than `renewBeforeMs`; undefined otherwise (missing, broken, mismatched, expiring).
 */
export function readCertificate(
  paths: PemPaths,
  renewBeforeMs: number,
): CertificateWithKey | undefined {
  if (!existsSync(paths.cert) || !existsSync(paths.key)) return undefined;
  try {
    const cert = new X509Certificate(readFileSync(paths.cert));
    const key = createPrivateKey(readFileSync(paths.key));
    const now = Date.now();
    const current =
      new Date(cert.validFrom).getTime() <= now &&
      new Date(cert.validTo).getTime() - now > renewBeforeMs;
    return current && cert.checkPrivateKey(key) ? { cert, key } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes the key (mode 0600) and then the certificate (0644). Each file is written beside its
 * final name and renamed over it, so a reader never sees half a file and a replaced key never
 * keeps the looser mode of the file it replaces.
 */
export function writeCertificate(paths: PemPaths, issued: IssuedCertificate): void {
  replaceFile(paths.key, issued.key, 0o600);
  replaceFile(paths.cert, issued.cert, 0o644);
}

function replaceFile(path: string, text: string, mode: number): void {
  const temporary = `${path}.${process.pid}.tmp`;
  rmSync(temporary, { force: true }); // a leftover from a crash would keep its own mode
  writeFileSync(temporary, text, { mode, flag: 'wx' });
  renameSync(temporary, path);
}
