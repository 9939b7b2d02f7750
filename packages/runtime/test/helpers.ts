import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import {
  clusterCertSpecs,
  createLogger,
  createStrifeServer,
  ensureCertificates,
  loadConfig,
  loadTlsMaterial,
  type Logger,
  type StrifeServer,
  type TlsMaterial,
} from '../src';

export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `strife-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A JSON logger whose lines are collected in `lines`. */
export function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return {
    logger: createLogger({ name: 'test', level: 'debug', pretty: false, destination }),
    lines,
  };
}

/**
 * A server with fresh cluster certificates in a temp dir, presenting the txid identity and
 * admitting only gateways to TxIdService, as apps/txid does. `tls(name)` loads a peer's material.
 */
export function txidPolicyServer(
  prefix: string,
  logger: Logger,
): { strife: StrifeServer; tls: (name: string) => TlsMaterial; remove: () => void } {
  const certs = tempDir(prefix);
  ensureCertificates(certs.path, clusterCertSpecs(loadConfig({}, certs.path)));
  const strife = createStrifeServer({
    logger,
    tls: loadTlsMaterial(certs.path, 'txid'),
    policy: { 'strife.v1.TxIdService': ['gateway'] },
  });
  return { strife, tls: (name) => loadTlsMaterial(certs.path, name), remove: certs.remove };
}
