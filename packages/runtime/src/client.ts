import {
  type Channel,
  createChannel,
  createClientFactory,
  type Client,
  type CompatServiceDefinition,
} from 'nice-grpc';
import { deadlineMiddleware } from 'nice-grpc-client-middleware-deadline';
import { errorDetailsClientMiddleware } from 'nice-grpc-error-details';
import { IPV4_ADDRESS } from './config/schema';
import { clientCredentials, type TlsMaterial } from './tls/credentials';
import type { Role } from './tls/identity';

export interface StrifeChannelOptions {
  readonly tls: TlsMaterial;
  /** The role (and name) the server's certificate must carry. */
  readonly expect?: { readonly role: Role; readonly name?: string };
  /**
   * Retry this service's calls that are safe to repeat (marked IDEMPOTENT or NO_SIDE_EFFECTS in
   * the proto: a Pay carries its key, reads change nothing) when they fail UNAVAILABLE before the
   * server took them; with several addresses the retry goes to another instance. Calls that are
   * not safe to repeat (Login, TxId Lease) are never retried. Default: no retries.
   */
  readonly retry?: ServiceDefinitionLike;
}

/** The part of a generated service definition the retry policy reads. */
export interface ServiceDefinitionLike {
  readonly name: string;
  readonly fullName: string;
  readonly methods: Readonly<
    Record<
      string,
      { readonly name: string; readonly options: { readonly idempotencyLevel?: string } }
    >
  >;
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

/**
 * grpc-js's service config: round-robin over the addresses that are READY (grpc-js's own
 * client-side balancing), and for the methods that are safe to repeat, a retry on UNAVAILABLE —
 * which grpc-js only does while the call is not yet committed (no response header received),
 * i.e. when the server never started it. Up to 5 attempts, 50 ms doubling to 500 ms apart,
 * all within the call's own deadline.
 */
export function serviceConfig(balanced: boolean, retry: ServiceDefinitionLike | undefined): string {
  const safe = retry
    ? Object.values(retry.methods)
        .filter((m) => ['IDEMPOTENT', 'NO_SIDE_EFFECTS'].includes(m.options.idempotencyLevel ?? ''))
        .map((m) => ({ service: retry.fullName, method: m.name }))
    : [];
  return JSON.stringify({
    ...(balanced ? { loadBalancingConfig: [{ round_robin: {} }] } : {}),
    ...(safe.length > 0
      ? {
          methodConfig: [
            {
              name: safe,
              retryPolicy: {
                maxAttempts: 5,
                initialBackoff: '0.05s',
                maxBackoff: '0.5s',
                backoffMultiplier: 2,
                retryableStatusCodes: ['UNAVAILABLE'],
              },
            },
          ],
        }
      : {}),
  });
}

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
  const named = list.find((a) => !IPV4_ADDRESS.test(a));
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
    'grpc.service_config': serviceConfig(target.startsWith('ipv4:'), options.retry),
  });
}

/**
 * A client whose every call has a deadline: `timeoutMs` (default 5000) unless the call passes
 * its own `deadline`. A failure that carries google.rpc details arrives as a `RichClientError`
 * (read it with `errorFacts`).
 */
export function createStrifeClient<Service extends CompatServiceDefinition>(
  definition: Service,
  channel: Channel,
  timeoutMs = 5000,
): Client<Service, { deadline?: Date | number }> {
  return createClientFactory()
    .use(errorDetailsClientMiddleware)
    .use(deadlineMiddleware)
    .create(definition, channel, { '*': { deadline: timeoutMs } });
}
