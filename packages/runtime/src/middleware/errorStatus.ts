import {
  ERROR_CODES,
  type ErrorCode,
  IdempotencyKeyReused,
  InvalidArgument,
  LegMismatch,
  STATUS_BY_CODE,
  StrifeError,
  TooManyAttempts,
} from '@strife/domain';
import { ServerError, Status } from 'nice-grpc-common';
import {
  BadRequest,
  type ErrorDetails,
  ErrorInfo,
  RetryInfo,
  RichClientError,
  RichServerError,
} from 'nice-grpc-error-details';

/** `ErrorInfo.domain` of every Strife error: the reason codes are `@strife/domain`'s. */
export const ERROR_DOMAIN = 'strife.v1';

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
    return new RichServerError(GRPC_STATUS_BY_CODE[error.code], message, errorDetails(error));
  }
  return new ServerError(Status.INTERNAL, 'internal error');
}

/**
 * The google.rpc details of a domain error: always an `ErrorInfo` whose reason is the domain
 * code (so a client can tell INSUFFICIENT_FUNDS from another FAILED_PRECONDITION), a `BadRequest`
 * naming the fields at fault, and a `RetryInfo` when the caller must wait.
 */
function errorDetails(error: StrifeError): ErrorDetails[] {
  const details: ErrorDetails[] = [
    ErrorInfo.fromPartial({ reason: error.code, domain: ERROR_DOMAIN }),
  ];
  const violations = fieldViolations(error);
  if (violations.length > 0) details.push(BadRequest.fromPartial({ fieldViolations: violations }));
  if (error instanceof TooManyAttempts) {
    const ms = Math.max(0, Math.ceil(error.retryAfterMs));
    details.push(
      RetryInfo.fromPartial({
        retryDelay: { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 },
      }),
    );
  }
  return details;
}

function fieldViolations(error: StrifeError): { field: string; description: string }[] {
  if (error instanceof InvalidArgument) {
    const description = error.message.slice(`${error.field}: `.length);
    return [{ field: error.field, description }];
  }
  if (error instanceof IdempotencyKeyReused) {
    return error.fields.map((field) => ({ field, description: 'differs from the first request' }));
  }
  if (error instanceof LegMismatch) {
    return [{ field: error.field, description: error.message }];
  }
  return [];
}

/** What a client can read from a failed call's details (see `errorDetails`). */
export interface ErrorFacts {
  /** The domain code (`ErrorInfo.reason`), e.g. `INSUFFICIENT_FUNDS`. */
  readonly reason?: string;
  /** The fields at fault (`BadRequest`). */
  readonly fields: readonly { readonly field: string; readonly description: string }[];
  /** How long to wait before trying again (`RetryInfo`), in ms. */
  readonly retryAfterMs?: number;
}

/** The facts in a call's error details; empty for an error without any. */
export function errorFacts(err: unknown): ErrorFacts {
  if (!(err instanceof RichClientError)) return { fields: [] };
  let reason: string | undefined;
  let retryAfterMs: number | undefined;
  const fields: { field: string; description: string }[] = [];
  for (const detail of err.extra) {
    if (detail.$type === ErrorInfo.$type && detail.domain === ERROR_DOMAIN) reason = detail.reason;
    if (detail.$type === BadRequest.$type) {
      for (const { field, description } of detail.fieldViolations)
        fields.push({ field, description });
    }
    if (detail.$type === RetryInfo.$type && detail.retryDelay) {
      retryAfterMs = detail.retryDelay.seconds * 1000 + Math.round(detail.retryDelay.nanos / 1e6);
    }
  }
  return {
    fields,
    ...(reason === undefined ? {} : { reason }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}
