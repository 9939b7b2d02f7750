import {
  HealthCheckResponse_ServingStatus,
  HealthDefinition,
} from 'nice-grpc-server-health/lib/proto/grpc/health/v1/health';
import { createStrifeChannel, createStrifeClient } from './client';
import type { TlsMaterial } from './tls/credentials';

export interface WaitOptions {
  /** Give up after this long. Default 15000 ms. */
  readonly timeoutMs?: number;
  /** Pause between probes. Default 100 ms. */
  readonly intervalMs?: number;
}

/**
 * Resolves once the server at `address` answers its health check with SERVING; probes with
 * `tls` (a `monitor` certificate can probe every service).
 * @throws Error naming the address and the last failure when `timeoutMs` passes first.
 */
export async function waitForServing(
  address: string,
  tls: TlsMaterial,
  options: WaitOptions = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  const channel = createStrifeChannel(address, { tls });
  const client = createStrifeClient(HealthDefinition, channel, 1000);
  let last = 'no answer';
  try {
    while (Date.now() < deadline) {
      try {
        const { status } = await client.check({ service: '' });
        if (status === HealthCheckResponse_ServingStatus.SERVING) return;
        last = `status ${HealthCheckResponse_ServingStatus[status]}`;
      } catch (err) {
        last = err instanceof Error ? err.message : String(err);
      }
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
    }
    throw new Error(`${address} did not become healthy: ${last}`);
  } finally {
    channel.close();
  }
}

/** The `grpc.health.v1` service every Strife server answers, for clients that probe it. */
export { HealthDefinition };
