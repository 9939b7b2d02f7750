import { type ErrorCode, StrifeError } from '@strife/protocol';
import { ServerError, Status } from 'nice-grpc-common';

/**
 * The one table from domain error code to gRPC status. It is total by type: adding a code to
 * `ERROR_CODES` without a row here does not compile (guarded by test/errorStatus.test.ts).
 */
export const STATUS_BY_CODE: { readonly [C in ErrorCode]: Status } = {
  INVALID_ARGUMENT: Status.INVALID_ARGUMENT,
  UNKNOWN_ACCOUNT: Status.NOT_FOUND,
  INSUFFICIENT_FUNDS: Status.FAILED_PRECONDITION,
  UNKNOWN_LEG: Status.FAILED_PRECONDITION,
  LEG_STATE_CONFLICT: Status.FAILED_PRECONDITION,
  LEG_MISMATCH: Status.INVALID_ARGUMENT,
  IDEMPOTENCY_KEY_REUSED: Status.INVALID_ARGUMENT,
  REQUEST_IN_FLIGHT: Status.ABORTED,
  UNKNOWN_PAYMENT: Status.NOT_FOUND,
  UNAUTHENTICATED: Status.UNAUTHENTICATED,
  INVALID_CREDENTIALS: Status.UNAUTHENTICATED,
  NOT_AUTHORIZED: Status.PERMISSION_DENIED,
  PEER_NOT_ALLOWED: Status.PERMISSION_DENIED,
  TOO_MANY_ATTEMPTS: Status.RESOURCE_EXHAUSTED,
  USERNAME_TAKEN: Status.ALREADY_EXISTS,
  DEPENDENCY_UNAVAILABLE: Status.UNAVAILABLE,
  TIMEOUT: Status.DEADLINE_EXCEEDED,
  INTERNAL: Status.INTERNAL,
};

/** Whether an error is a bug rather than a refusal (not a domain error, or INTERNAL): log it. */
export function isUnexpectedError(error: unknown): boolean {
  return !(error instanceof StrifeError) || error.code === 'INTERNAL';
}

/**
 * The wire form of anything a handler threw: a `ServerError` passes through, a domain error
 * gets its table status and message, anything else becomes INTERNAL with a generic message
 * (the details are logged, never sent). Nothing leaves as UNKNOWN.
 */
export function toServerError(error: unknown): ServerError {
  if (error instanceof ServerError) return error;
  if (error instanceof StrifeError) {
    const message = error.code === 'INTERNAL' ? 'internal error' : error.message;
    return new ServerError(STATUS_BY_CODE[error.code], message);
  }
  return new ServerError(Status.INTERNAL, 'internal error');
}
