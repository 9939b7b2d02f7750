import { bankCertName, SINGLE_GATEWAY, type StrifeConfig } from '@strife/runtime';

/** One process of the cluster: which app, its extra environment, where it answers health checks. */
export interface ServiceSpec {
  /** `txid`, `bank-SBI`, `gateway`. */
  readonly name: string;
  readonly app: 'txid' | 'bank' | 'gateway';
  readonly env: Readonly<Record<string, string>>;
  readonly address: string;
}

/** Every service in the cluster file, in start order: txid and the banks first, then the gateways. */
export function clusterServices(config: StrifeConfig): ServiceSpec[] {
  return [
    { name: 'txid', app: 'txid', env: {}, address: config.txid.address },
    ...config.banks.map((b) => ({
      name: bankCertName(b.name),
      app: 'bank' as const,
      env: { BANK_NAME: b.name },
      address: b.address,
    })),
    ...config.gateway.instances.map((i): ServiceSpec => {
      const one = i.name === SINGLE_GATEWAY;
      const env: Record<string, string> = one ? {} : { GATEWAY_NAME: i.name };
      return {
        name: one ? 'gateway' : `gateway-${i.name}`,
        app: 'gateway',
        env,
        address: i.address,
      };
    }),
  ];
}
