import { type BankConfig, type GatewayInstance, SINGLE_GATEWAY } from '../config/loadConfig';
import type { CertSpec } from './ensureCertificates';
import { hostOfAddress } from './subjectNames';

/** The parts of the cluster config that decide which certificates exist and what they cover. */
export interface ClusterCertConfig {
  readonly txid: { readonly address: string };
  readonly gateway: { readonly instances: readonly GatewayInstance[] };
  readonly banks: readonly Pick<BankConfig, 'name' | 'address'>[];
}

/** The certificate file name a bank's process uses: `bank-<name>`. */
export function bankCertName(bank: string): string {
  return `bank-${bank}`;
}

/**
 * The certificate file name a gateway instance's process uses: `gateway` for the one instance
 * of a file that gives `gateway.address` (`SINGLE_GATEWAY`), `gateway-<name>` otherwise.
 */
export function gatewayCertName(instanceName: string): string {
  return instanceName === SINGLE_GATEWAY ? 'gateway' : `gateway-${instanceName}`;
}

/**
 * The certificates a cluster needs: txid, one per gateway instance (identity `gateway/<name>`),
 * one per bank, the CLI's `client`, and `monitor` (health checks only, for launchers and
 * probes). Each service's certificate also covers the host of its address in the cluster file.
 */
export function clusterCertSpecs(config: ClusterCertConfig): CertSpec[] {
  return [
    {
      file: 'txid',
      identity: { role: 'txid', name: 'txid' },
      hosts: [hostOfAddress(config.txid.address)],
    },
    ...config.gateway.instances.map((instance) => ({
      file: gatewayCertName(instance.name),
      identity: { role: 'gateway' as const, name: instance.name },
      hosts: [hostOfAddress(instance.address)],
    })),
    ...config.banks.map((bank) => ({
      file: bankCertName(bank.name),
      identity: { role: 'bank' as const, name: bank.name },
      hosts: [hostOfAddress(bank.address)],
    })),
    { file: 'client', identity: { role: 'client', name: 'cli' } },
    { file: 'monitor', identity: { role: 'monitor', name: 'monitor' } },
  ];
}
