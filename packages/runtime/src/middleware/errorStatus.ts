import { ERROR_CODES, type ErrorCode, STATUS_BY_CODE, StrifeError } from '@strife/domain';
import { ServerError, Status } from 'nice-grpc-common';

/** The domain's status table (`@strife/domain` `STATUS_BY_CODE`) as gRPC status codes. */
export const GRPC_STATUS_BY_CODE: { readonly [C in ErrorCode]: Status } = Object.fromEntries(
  ERROR_CODES.map((code) => [code, Status[STATUS_BY_CODE[code]]]),
) as { readonly [C in ErrorCode]: Status };

/** Whether an error is a bug rather than a refusal (not a domain error, or INTERNAL): log it. */
export function isUnexpectedError(error: unknown): boolean {
  return !(error instanceof StrifeError) || error.code === 'INTERNAL';
}

/** Longest error message sent: it travels in the trailers, which peers cap at a few kB. */
const MAX_MESSAGE = 1000;

/**
 * A message cut to `MAX_MESSAGE`. Messages quote input through `quote`, which keeps them short;
 * this is the backstop for one that does not, so no answer is ever too big to be delivered.
 */
function capped(message: string): string {
  return message.length <= MAX_MESSAGE ? message : `${message.slice(0, MAX_MESSAGE)}…`;
}

/**
 * The wire form of anything a handler threw: a `ServerError` passes through, a domain error
 * gets its table status and message, anything else becomes INTERNAL with a generic message
 * (the details are logged, never sent). Nothing leaves as UNKNOWN.
 */
export function toServerError(error: unknown): ServerError {
  if (error instanceof ServerError) return error;
  if (error instanceof StrifeError) {
    const message = error.code === 'INTERNAL' ? 'internal error' : capped(error.message);
    return new ServerError(GRPC_STATUS_BY_CODE[error.code], message);
  }
  return new ServerError(Status.INTERNAL, 'internal error');
}
