import { ERROR_CODES, type ErrorCode, STATUS_BY_CODE, StrifeError } from '@strife/domain';
import { ServerError, Status } from 'nice-grpc-common';

/** The domain's status table (`@strife/domain` `STATUS_BY_CODE`) as gRPC status codes. */
export const GRPC_STATUS_BY_CODE: { readonly [C in ErrorCode]: Status } = Object.fromEntries(
  ERROR_CODES.map((code) => [code, Status[STATUS_BY_CODE[code]]]),
) as { readonly [C in ErrorCode]: Status };

/**
 * Whether an error is a bug rather than a refusal: not a domain error nor a status a library
 * answered on purpose (a `ServerError`), or INTERNAL. Log it.
 */
export function isUnexpectedError(error: unknown): boolean {
  if (error instanceof ServerError) return error.code === Status.INTERNAL;
  return !(error instanceof StrifeError) || error.code === 'INTERNAL';
}

/** Most UTF-8 bytes of an error message sent: it travels in the trailers, which peers cap. */
const MAX_MESSAGE_BYTES = 1000;

/**
 * A message cut to `MAX_MESSAGE_BYTES` (whole characters). Messages quote input through
 * `quote`, which keeps them short; this is the backstop for one that does not (a library's), so
 * no answer is ever too big to be delivered.
 */
function capped(message: string): string {
  if (Buffer.byteLength(message) <= MAX_MESSAGE_BYTES) return message;
  let kept = '';
  let bytes = 0;
  for (const char of message) {
    bytes += Buffer.byteLength(char);
    if (bytes > MAX_MESSAGE_BYTES - 3) break;
    kept += char;
  }
  return `${kept}…`;
}

/**
 * The wire form of anything a handler threw: a `ServerError` passes through, a domain error
 * gets its table status and message, anything else becomes INTERNAL with a generic message
 * (the details are logged, never sent). Nothing leaves as UNKNOWN.
 */
export function toServerError(error: unknown): ServerError {
  if (error instanceof ServerError) {
    // A library's own error (grpc health's NOT_FOUND names the service asked for) may carry
    // caller input too.
    const details = capped(error.details);
    return details === error.details ? error : new ServerError(error.code, details);
  }
  if (error instanceof StrifeError) {
    const message = error.code === 'INTERNAL' ? 'internal error' : capped(error.message);
    return new ServerError(GRPC_STATUS_BY_CODE[error.code], message);
  }
  return new ServerError(Status.INTERNAL, 'internal error');
}
