import {
  OpsServiceDefinition,
  type GetStatusResponse,
  type LookupPaymentResponse,
} from '@strife/protocol';
import { createStrifeChannel, createStrifeClient, type TlsMaterial } from '@strife/runtime';
import { ClientError, Status, type Channel } from 'nice-grpc';
import type { Target } from './targets';

/** How long one ops call may take: a pass over the cluster must not wait on a dead service. */
export const CALL_DEADLINE_MS = 1000;

/** The outcome of one call: its answer, or why there is none (gRPC status and message). */
export type Answer<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string; readonly code: Status | undefined };

type OpsClient = ReturnType<typeof opsClient>;

function opsClient(channel: Channel) {
  return createStrifeClient(OpsServiceDefinition, channel, CALL_DEADLINE_MS);
}

/**
 * The console's OpsService clients: one mTLS channel per service, as `monitor`, each checking the
 * server's certificate carries the identity the cluster file gives that service. Every call has
 * a deadline of `CALL_DEADLINE_MS` and never throws: a failure is an `Answer` with the reason.
 */
export class Probes {
  private readonly clients = new Map<string, { channel: Channel; client: OpsClient }>();

  constructor(
    readonly targets: readonly Target[],
    private readonly tls: TlsMaterial,
  ) {}

  /** The service's GetStatus. */
  status(target: Target): Promise<Answer<GetStatusResponse>> {
    return this.ask(target, (client) => client.getStatus({}));
  }

  /** The service's LookupPayment by txid, or (at a gateway) by username and idempotency key. */
  lookup(
    target: Target,
    query: { txid?: bigint; username?: string; idempotencyKey?: string },
  ): Promise<Answer<LookupPaymentResponse>> {
    return this.ask(target, (client) =>
      client.lookupPayment({
        txid: query.txid ?? 0n,
        username: query.username ?? '',
        idempotencyKey: query.idempotencyKey ?? '',
      }),
    );
  }

  /** Closes every channel. */
  close(): void {
    for (const { channel } of this.clients.values()) channel.close();
    this.clients.clear();
  }

  private async ask<T>(
    target: Target,
    call: (client: OpsClient) => Promise<T>,
  ): Promise<Answer<T>> {
    try {
      return { ok: true, value: await call(this.client(target)) };
    } catch (err) {
      return { ok: false, error: describeError(err), code: statusOf(err) };
    }
  }

  private client(target: Target): OpsClient {
    let entry = this.clients.get(target.name);
    if (!entry) {
      const channel = createStrifeChannel(target.address, { tls: this.tls, expect: target.expect });
      entry = { channel, client: opsClient(channel) };
      this.clients.set(target.name, entry);
    }
    return entry.client;
  }
}

/** Longest reason shown for a failed call. */
const MAX_REASON = 200;

/**
 * `UNAVAILABLE: No connection established…`: the status name and the message, on one line, cut
 * to 200 characters (grpc-js appends notes that say nothing to an operator).
 */
export function describeError(err: unknown): string {
  const text =
    err instanceof ClientError
      ? `${Status[err.code]}: ${err.details}`
      : err instanceof Error
        ? err.message
        : String(err);
  const line = text
    .replace(/\s+/g, ' ')
    .replace(/\.? ?Resolution note:.*$/, '')
    .trim();
  return line.length > MAX_REASON ? `${line.slice(0, MAX_REASON - 1)}…` : line;
}

/** The gRPC status a service answered with; undefined when the call failed another way. */
function statusOf(err: unknown): Status | undefined {
  return err instanceof ClientError ? err.code : undefined;
}
