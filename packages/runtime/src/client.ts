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

/** An mTLS channel to `address` (HOST:PORT). Close it when done. */
export function createStrifeChannel(address: string, options: StrifeChannelOptions): Channel {
  // TLS SNI may not carry an IP address (RFC 6066); loopback certificates also name localhost.
  const loopback = address.startsWith('127.0.0.1:');
  return createChannel(
    address,
    clientCredentials(options.tls, options.expect),
    loopback ? { ...CONNECTION, 'grpc.ssl_target_name_override': 'localhost' } : CONNECTION,
  );
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
