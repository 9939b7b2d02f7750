import { InvalidArgument } from './errors';

/** Longest idempotency key accepted (as Stripe's). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
const KEY_CHARS = /^[\x21-\x7e]+$/;

/**
 * Throws `InvalidArgument` naming `field` unless `key` is 1 to 255 printable ASCII characters
 * without spaces. The gateway and the CLI apply the same rule, so a key the CLI queues is one the
 * gateway accepts.
 */
export function assertIdempotencyKey(key: string, field = 'idempotency_key'): void {
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new InvalidArgument(field, `must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`);
  }
  if (!KEY_CHARS.test(key)) {
    throw new InvalidArgument(field, 'must be printable ASCII without spaces');
  }
}
