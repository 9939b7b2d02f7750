import type { StrifeConfig } from '@strife/runtime';

/** Where the console listens when the cluster file has no `console` section. */
export const DEFAULT_CONSOLE_ADDRESS = '127.0.0.1:50080';

/** Where the console listens and whether it must serve HTTPS. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
  /** `console.address` as configured (or the default). */
  readonly address: string;
  /**
   * Not a loopback host: anyone on the network could connect, so the console serves HTTPS and
   * admits only clients presenting a `monitor` certificate of the cluster's CA.
   */
  readonly secure: boolean;
}

/**
 * `console.address` from the cluster file, or `DEFAULT_CONSOLE_ADDRESS`. A loopback host
 * (`localhost`, `127.x.x.x`) is served over plain HTTP to this machine's browsers; any other
 * host over HTTPS with client certificates (see `consoleTls.ts`).
 */
export function listenAddress(config: Pick<StrifeConfig, 'console'>): ListenAddress {
  const address = config.console?.address ?? DEFAULT_CONSOLE_ADDRESS;
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon);
  return { host, port: Number(address.slice(colon + 1)), address, secure: !isLoopback(host) };
}

/** Whether `host` (a name or an IPv4 literal, as the cluster file allows) is this machine only. */
export function isLoopback(host: string): boolean {
  return host.toLowerCase() === 'localhost' || /^127(\.\d{1,3}){3}$/.test(host);
}
