import {
  type Channel,
  createChannel,
  createClientFactory,
  type Client,
  type CompatServiceDefinition,
} from 'nice-grpc';
import { deadlineMiddleware } from 'nice-grpc-client-middleware-deadline';
import { clientCredentials, type TlsMaterial } from './tls/credentials';
import type { Role } from './tls/identity';

export interface StrifeChannelOptions {
  readonly tls: TlsMaterial;
  /** The role (and name) the server's certificate must carry. */
  readonly expect?: { readonly role: Role; readonly name?: string };
}

/**
 * Connection settings for every Strife channel. grpc-js backs off from 1 s to 120 s between
 * reconnects, which leaves a channel failing fast for minutes after a peer restarts; peers here
 * are a LAN hop away and come back in about a second. Keepalive pings (also when idle) make a
 * transport whose peer died without a clean close get noticed and replaced within seconds
 * instead of holding calls until their deadlines.
 */
const CONNECTION = {
  'grpc.initial_reconnect_backoff_ms': 200,
  'grpc.max_reconnect_backoff_ms': 2000,
  'grpc.keepalive_time_ms': 5000,
  'grpc.keepalive_timeout_ms': 2000,
  'grpc.keepalive_permit_without_calls': 1,
};

/** grpc-js's own client-side balancing: each call goes to the next READY address in turn. */
const ROUND_ROBIN = JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] });

const IPV4 = /^(\d{1,3}\.){3}\d{1,3}:\d{1,5}$/;

/**
 * The grpc-js target for one address (`HOST:PORT`) or several. Several must be IPv4 literals,
 * which grpc-js balances over as one `ipv4:` target; a DNS name that resolves to several
 * addresses works as a single address.
 * @throws Error naming the address that is not an IPv4 literal, when there are several.
 */
export function channelTarget(addresses: string | readonly string[]): string {
  const list = typeof addresses === 'string' ? [addresses] : [...addresses];
  const [only] = list;
  if (list.length === 1 && only !== undefined) return only;
  const named = list.find((a) => !IPV4.test(a));
  if (named !== undefined || list.length === 0) {
    throw new Error(
      `several addresses must be IPv4 literals (HOST:PORT) to be balanced over; got ${named ?? 'none'}`,
    );
  }
  return `ipv4:${list.join(',')}`;
}

/**
 * An mTLS channel to `addresses` (HOST:PORT, or several for instances of one service). With
 * several, grpc-js balances calls round-robin over the ones that are up, and a call never waits
 * for an address that is down. The server's certificate is checked by role (and name), not by
 * host, so every address is verified the same way. Close it when done.
 */
export function createStrifeChannel(
  addresses: string | readonly string[],
  options: StrifeChannelOptions,
): Channel {
  const target = channelTarget(addresses);
  // TLS SNI may not carry an IP address (RFC 6066); loopback certificates also name localhost.
  const loopback = target.startsWith('127.0.0.1:') || target.startsWith('ipv4:127.0.0.1:');
  return createChannel(target, clientCredentials(options.tls, options.expect), {
    ...CONNECTION,
    ...(loopback ? { 'grpc.ssl_target_name_override': 'localhost' } : {}),
    ...(target.startsWith('ipv4:') ? { 'grpc.service_config': ROUND_ROBIN } : {}),
  });
}

/**
 * A client whose every call has a deadline: `timeoutMs` (default 5000) unless the call passes
 * its own `deadline`.
 */
export function createStrifeClient<Service extends CompatServiceDefinition>(
  definition: Service,
  channel: Channel,
  timeoutMs = 5000,
): Client<Service, { deadline?: Date | number }> {
  return createClientFactory()
    .use(deadlineMiddleware)
    .create(definition, channel, { '*': { deadline: timeoutMs } });
}
