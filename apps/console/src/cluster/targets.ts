import { SINGLE_GATEWAY, type Role, type StrifeConfig } from '@strife/runtime';

/** One service the console watches: how it is named on the page and where it answers. */
export interface Target {
  /** `txid`, `bank:SBI`, `gateway` (the one instance of a file with `gateway.address`) or `gateway:gw1`. */
  readonly name: string;
  readonly kind: 'txid' | 'bank' | 'gateway';
  /** The bank's name or the gateway instance's name; `txid` for the txid service. */
  readonly instance: string;
  readonly address: string;
  readonly metricsAddress: string | undefined;
  /** The identity its server certificate must carry. */
  readonly expect: { readonly role: Role; readonly name: string };
}

/** Every service in the cluster file: txid, then each bank, then each gateway instance. */
export function clusterTargets(config: StrifeConfig): Target[] {
  return [
    {
      name: 'txid',
      kind: 'txid',
      instance: 'txid',
      address: config.txid.address,
      metricsAddress: config.txid.metricsAddress,
      expect: { role: 'txid', name: 'txid' },
    },
    ...config.banks.map((bank): Target => ({
      name: `bank:${bank.name}`,
      kind: 'bank',
      instance: bank.name,
      address: bank.address,
      metricsAddress: bank.metricsAddress,
      expect: { role: 'bank', name: bank.name },
    })),
    ...config.gateway.instances.map((instance): Target => ({
      name: instance.name === SINGLE_GATEWAY ? 'gateway' : `gateway:${instance.name}`,
      kind: 'gateway',
      instance: instance.name,
      address: instance.address,
      metricsAddress: instance.metricsAddress,
      expect: { role: 'gateway', name: instance.name },
    })),
  ];
}
