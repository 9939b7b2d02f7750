import type { StrifeConfig } from '../config/loadConfig';
import type { CertSpec } from './ensureCertificates';

/** The certificate file name a bank's process uses. */
export function bankCertName(bank: string): string {
  return `bank-${bank}`;
}

/**
 * The certificates a cluster needs: txid, gateway, one per bank, the CLI's `client`, and
 * `monitor` (health checks only, for launchers and probes).
 */
export function clusterCertSpecs(config: Pick<StrifeConfig, 'banks'>): CertSpec[] {
  return [
    { file: 'txid', identity: { role: 'txid', name: 'txid' } },
    { file: 'gateway', identity: { role: 'gateway', name: 'gateway' } },
    ...config.banks.map((b) => ({
      file: bankCertName(b.name),
      identity: { role: 'bank' as const, name: b.name },
    })),
    { file: 'client', identity: { role: 'client', name: 'cli' } },
    { file: 'monitor', identity: { role: 'monitor', name: 'monitor' } },
  ];
}
