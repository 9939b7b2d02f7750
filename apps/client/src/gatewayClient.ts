import { GatewayServiceDefinition, type PayRequest, type PayResponse } from '@strife/protocol';
import {
  createStrifeChannel,
  createStrifeClient,
  errorFacts,
  type Env,
  gatewayAddresses,
  loadConfig,
  loadTlsMaterial,
  onAnyInstance,
} from '@strife/runtime';
import { type Client, ClientError, Metadata, Status } from 'nice-grpc';
import { CliError, usageError } from './exitCodes';
import { classify } from './statusClass';

export type GatewayClient = Client<GatewayServiceDefinition, { deadline?: Date | number }>;

/** A client for the gateway over mTLS, and how long a payment may take. */
export interface GatewayConnection {
  /** The gateway's address, or every instance's, for messages. */
  readonly address: string;
  /** How many instances the client balances over (1 with `--gateway`). */
  readonly instances: number;
  readonly client: GatewayClient;
  /** Deadline for Pay: the gateway's prepare and commit timeouts plus slack, in ms. */
  readonly payTimeoutMs: number;
  close(): void;
}

/** Deadline for every call but Pay, in ms. */
const CALL_TIMEOUT_MS = 5000;
const PAY_SLACK_MS = 5000;
const ADDRESS = /^[A-Za-z0-9.-]+:\d{1,5}$/;

/**
 * Connects to the gateway named by the cluster file (`STRIFE_CONFIG`), or by `override`
 * (`--gateway HOST:PORT`). Presents the `client` certificate from `STRIFE_CERTS_DIR` and accepts
 * only a server whose certificate carries the `gateway` role. Nothing is dialled until the
 * first call.
 * @throws ConfigError for a missing or invalid cluster file or certificate (exit 2).
 */
export function connectGateway(env: Env, override?: string): GatewayConnection {
  if (override !== undefined) checkAddress(override);
  const config = loadConfig(env);
  const addresses = override === undefined ? gatewayAddresses(config) : [override];
  const tls = loadTlsMaterial(config.certsDir, 'client');
  const channel = createStrifeChannel(addresses, {
    tls,
    expect: { role: 'gateway' },
    retry: GatewayServiceDefinition,
  });
  return {
    address: addresses.join(', '),
    instances: addresses.length,
    client: createStrifeClient(GatewayServiceDefinition, channel, CALL_TIMEOUT_MS),
    payTimeoutMs: config.gateway.prepareTimeoutMs + config.gateway.commitTimeoutMs + PAY_SLACK_MS,
    close: () => channel.close(),
  };
}

/**
 * Sends `request` as a Pay, failing over between instances (`onAnyInstance`): a payment is left
 * for the queue only when no instance takes it. Every attempt carries the same idempotency key,
 * so failing over can never pay twice.
 */
export function payOnAnyInstance(
  gateway: GatewayConnection,
  request: PayRequest,
  token: string,
  onAccepted: () => void = () => undefined,
): Promise<PayResponse> {
  return onAnyInstance(gateway.instances, ({ signal, onHeader }) =>
    gateway.client.pay(request, {
      ...withToken(token),
      deadline: gateway.payTimeoutMs,
      signal,
      onHeader: () => {
        onHeader();
        onAccepted();
      },
    }),
  );
}

/** @throws a usage error naming `source` unless `address` is HOST:PORT. */
export function checkAddress(address: string, source = '--gateway'): void {
  if (!ADDRESS.test(address)) {
    const shown = address.length > 40 ? `${address.slice(0, 40)}…` : address;
    throw usageError(`${source}: "${shown}" is not HOST:PORT, e.g. 127.0.0.1:50052`);
  }
}

/** Call options carrying the session token as `authorization: Bearer <token>`. */
export function withToken(token: string): { metadata: Metadata } {
  return { metadata: Metadata({ authorization: `Bearer ${token}` }) };
}

/** The gRPC status of a failed call, or undefined when `err` is not a gRPC error. */
export function grpcStatus(err: unknown): Status | undefined {
  return err instanceof ClientError ? err.code : undefined;
}

/** The message of a failed gRPC call (its details), or of any other error. */
export function grpcDetails(err: unknown): string {
  if (err instanceof ClientError) {
    // grpc-js ends connection failures with an empty "Resolution note: ".
    return err.details.replace(/\s*Resolution note:\s*$/, '') || Status[err.code];
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * The error a command reports for a failed call: the exit code comes from the status table,
 * UNAUTHENTICATED on a session call says the session ended, and an unreachable gateway is
 * named by address. Errors that are not gRPC errors pass through unchanged.
 * @param withSession whether the call carried the session token.
 */
export function gatewayError(err: unknown, address: string, withSession: boolean): unknown {
  if (!(err instanceof ClientError)) return err;
  const { exitCode, offline } = classify(err.code);
  const code = Status[err.code];
  const details = grpcDetails(err);
  const facts = errorFacts(err);
  if (err.code === Status.UNAUTHENTICATED && withSession) {
    return new CliError(
      exitCode,
      code,
      `the session has expired or was revoked (${details}); log in again with \`strife login\``,
      facts,
    );
  }
  if (offline) {
    return new CliError(
      exitCode,
      code,
      `cannot reach the gateway at ${address}: ${details}`,
      facts,
    );
  }
  return new CliError(exitCode, code, details, facts);
}

/** Runs one call on `gateway`, turning a gRPC failure into the command's error. */
export async function ask<T>(
  gateway: GatewayConnection,
  call: (client: GatewayClient) => Promise<T>,
  withSession = true,
): Promise<T> {
  try {
    return await call(gateway.client);
  } catch (err) {
    throw gatewayError(err, gateway.address, withSession);
  }
}
