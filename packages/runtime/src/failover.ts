import { ClientError, Status } from 'nice-grpc-common';

/**
 * How long a call may go without the first byte of an answer before its instance counts as
 * unreachable (a process that is stopped, or a host that is gone, accepts a connection and then
 * says nothing). Servers that take long calls acknowledge them at once with their response
 * header, so this is about reachability, not about how long the work takes.
 */
export const FIRST_BYTE_MS = 3000;

/** What `onAnyInstance` passes to each attempt of the call. */
export interface AttemptOptions {
  readonly signal: AbortSignal;
  readonly onHeader: () => void;
}

/**
 * Runs `call` against one instance after another until one takes it, at most `instances`
 * times: an attempt that fails UNAVAILABLE, or hears nothing within `firstByteMs`, is passed
 * over, and the channel's round robin gives the next attempt to the next instance. Only for
 * calls that are safe to repeat (a Pay carries its idempotency key).
 * @throws the last failure (UNAVAILABLE) when no instance took the call, or at once any failure
 *   that is not about reaching an instance.
 */
export async function onAnyInstance<T>(
  instances: number,
  call: (options: AttemptOptions) => Promise<T>,
  firstByteMs = FIRST_BYTE_MS,
): Promise<T> {
  let last: unknown;
  for (let attempt = 0; attempt < Math.max(1, instances); attempt++) {
    const silence = new AbortController();
    let heard = false;
    const timer = setTimeout(() => {
      if (!heard) silence.abort();
    }, firstByteMs);
    try {
      return await call({
        signal: silence.signal,
        onHeader: () => {
          heard = true;
        },
      });
    } catch (err) {
      if (silence.signal.aborted) {
        last = new ClientError('', Status.UNAVAILABLE, `no answer within ${firstByteMs} ms`);
        continue;
      }
      if (!(err instanceof ClientError) || err.code !== Status.UNAVAILABLE) throw err;
      last = err;
    } finally {
      clearTimeout(timer);
    }
  }
  throw last;
}
