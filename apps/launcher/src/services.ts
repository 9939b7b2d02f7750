import { bankCertName, type StrifeConfig } from '@strife/runtime';

/** One process of the cluster: which app, its extra environment, where it answers health checks. */
export interface ServiceSpec {
  /** `txid`, `bank-SBI`, `gateway`. */
  readonly name: string;
  readonly app: 'txid' | 'bank' | 'gateway';
  readonly env: Readonly<Record<string, string>>;
  readonly address: string;
}

/** Every service in the cluster file, in start order: txid and the banks first, then the gateway. */
export function clusterServices(config: StrifeConfig): ServiceSpec[] {
  return [
    { name: 'txid', app: 'txid', env: {}, address: config.txid.address },
    ...config.banks.map((b) => ({
      name: bankCertName(b.name),
      app: 'bank' as const,
      env: { BANK_NAME: b.name },
      address: b.address,
    })),
    { name: 'gateway', app: 'gateway', env: {}, address: config.gateway.address },
  ];
}
