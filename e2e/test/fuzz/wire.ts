import { createStrifeClient } from '@strife/runtime';
import { type Channel, ClientError, Metadata, Status } from 'nice-grpc';

/** What one call came back with. */
export interface Answer {
  readonly code: Status;
  readonly details: string;
  /** The response body of an OK answer, still encoded. */
  readonly body: Uint8Array | undefined;
}

const identity = (bytes: Uint8Array): Uint8Array => bytes;

/**
 * Sends `body` as the request of the unary RPC at `path` (`/pkg.Service/Method`) over `channel`,
 * byte for byte: the server decodes it with its own request type, so a generated message (already
 * encoded) and raw bytes take the same road, over the same mutual-TLS connection. Resolves with
 * the status, never rejects on a gRPC failure; a call that outlives `deadlineMs` comes back
 * DEADLINE_EXCEEDED.
 */
export async function callRaw(
  channel: Channel,
  path: string,
  body: Uint8Array,
  metadata: Readonly<Record<string, string>>,
  deadlineMs: number,
): Promise<Answer> {
  const client = createStrifeClient(
    {
      call: {
        path,
        requestStream: false,
        responseStream: false,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
        options: {},
      },
    },
    channel,
    deadlineMs,
  );
  try {
    const response = await client.call(body, { metadata: Metadata(metadata) });
    return { code: Status.OK, details: '', body: response };
  } catch (err) {
    if (err instanceof ClientError)
      return { code: err.code, details: err.details, body: undefined };
    throw err;
  }
}
