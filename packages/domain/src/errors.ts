import { quote } from './quote';

/**
 * Strife's domain errors. Each has a stable `code`; `@strife/runtime` maps every code to one gRPC
 * status through a total table, and the client maps the status back to permanent vs retryable.
 * These classes carry no transport code, so any library may throw them.
 */
export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'UNKNOWN_ACCOUNT',
  'INSUFFICIENT_FUNDS',
  'UNKNOWN_LEG',
  'LEG_STATE_CONFLICT',
  'LEG_MISMATCH',
  'LEG_REFUSED',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_KEY_EXPIRED',
  'REQUEST_IN_FLIGHT',
  'UNKNOWN_PAYMENT',
  'UNAUTHENTICATED',
  'INVALID_CREDENTIALS',
  'NOT_AUTHORIZED',
  'PEER_NOT_ALLOWED',
  'TOO_MANY_ATTEMPTS',
  'USERNAME_TAKEN',
  'DEPENDENCY_UNAVAILABLE',
  'TIMEOUT',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Base of every domain error; `code` is stable and safe to show to callers. */
export abstract class StrifeError extends Error {
  abstract readonly code: ErrorCode;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input failed validation; `field` names the offending field. Never stored or retried. */
export class InvalidArgument extends StrifeError {
  readonly code = 'INVALID_ARGUMENT';
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

export class UnknownAccount extends StrifeError {
  readonly code = 'UNKNOWN_ACCOUNT';
  constructor(readonly account: string) {
    super(`unknown account ${quote(account)}`);
  }
}

export class InsufficientFunds extends StrifeError {
  readonly code = 'INSUFFICIENT_FUNDS';
  constructor(
    readonly account: string,
    readonly available: bigint,
    readonly requested: bigint,
  ) {
    super(`insufficient funds in ${account}: available ${available}, requested ${requested}`);
  }
}

/** Commit of a leg the participant has never prepared. */
export class UnknownLeg extends StrifeError {
  readonly code = 'UNKNOWN_LEG';
  constructor(readonly key: string) {
    super(`unknown transaction leg ${quote(key)}`);
  }
}

/** Commit after Abort, or Abort after Commit: refused, nothing changes. */
export class LegStateConflict extends StrifeError {
  readonly code = 'LEG_STATE_CONFLICT';
  constructor(
    readonly key: string,
    readonly state: string,
    readonly attempted: string,
  ) {
    super(`cannot ${attempted} leg ${quote(key)}: it is already ${state}`);
  }
}

/** The same leg key arrived again with different parameters. */
export class LegMismatch extends StrifeError {
  readonly code = 'LEG_MISMATCH';
  constructor(
    readonly key: string,
    readonly field: string,
  ) {
    super(`leg ${quote(key)} already exists with a different ${field}`);
  }
}

/**
 * A participant refused a Commit or Abort it should have accepted (it reports the leg unknown, or
 * already in the other final state): its books were lost or there is a bug. The decision stands,
 * so the coordinator keeps re-sending, slowly and loudly.
 */
export class LegRefused extends StrifeError {
  readonly code = 'LEG_REFUSED';
  constructor(
    readonly participant: string,
    readonly detail: string,
  ) {
    super(`${participant} refused the leg: ${detail}`);
  }
}

/** Same idempotency key, different request: `fields` names what differs. */
export class IdempotencyKeyReused extends StrifeError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor(
    readonly key: string,
    readonly fields: readonly string[],
  ) {
    super(
      `idempotency key ${quote(key)} was used for a different request (${fields.join(', ')} ${fields.length === 1 ? 'differs' : 'differ'})`,
    );
  }
}

/**
 * The key's record was pruned after the retention period: it may have been used, and its
 * outcome is no longer known, so it cannot be replayed or reused. A new key pays afresh.
 */
export class IdempotencyKeyExpired extends StrifeError {
  readonly code = 'IDEMPOTENCY_KEY_EXPIRED';
  constructor(readonly key: string) {
    super(
      `idempotency key ${quote(key)} belongs to a payment older than the retention period, whose record was pruned; use a new key`,
    );
  }
}

/** An attempt with this idempotency key is still running; retry later with the same key. */
export class RequestInFlight extends StrifeError {
  readonly code = 'REQUEST_IN_FLIGHT';
  constructor(readonly key: string) {
    super(
      `a request with idempotency key ${quote(key)} is still in flight; retry later with the same key`,
    );
  }
}

export class UnknownPayment extends StrifeError {
  readonly code = 'UNKNOWN_PAYMENT';
  constructor(readonly key: string) {
    super(`no payment with key ${quote(key)}`);
  }
}

/** Missing, expired or revoked session token. */
export class Unauthenticated extends StrifeError {
  readonly code = 'UNAUTHENTICATED';
}

/** Wrong username or password; deliberately does not say which. */
export class InvalidCredentials extends StrifeError {
  readonly code = 'INVALID_CREDENTIALS';
  constructor() {
    super('invalid username or password');
  }
}

/** An authenticated user asked for something that is not theirs. */
export class NotAuthorized extends StrifeError {
  readonly code = 'NOT_AUTHORIZED';
}

/** The TLS peer's certificate role may not call this service. */
export class PeerNotAllowed extends StrifeError {
  readonly code = 'PEER_NOT_ALLOWED';
}

/** Login throttled after repeated failures. */
export class TooManyAttempts extends StrifeError {
  readonly code = 'TOO_MANY_ATTEMPTS';
  constructor(readonly retryAfterMs: number) {
    super(`too many failed attempts; try again in ${Math.ceil(retryAfterMs / 1000)} s`);
  }
}

export class UsernameTaken extends StrifeError {
  readonly code = 'USERNAME_TAKEN';
  constructor(readonly username: string) {
    super(`username ${quote(username)} is taken`);
  }
}

/** A service this call depends on (a bank, the TxId service) cannot be reached. */
export class DependencyUnavailable extends StrifeError {
  readonly code = 'DEPENDENCY_UNAVAILABLE';
}

export class Timeout extends StrifeError {
  readonly code = 'TIMEOUT';
}

/** A broken invariant or unexpected state; the message is logged, never sent. */
export class Internal extends StrifeError {
  readonly code = 'INTERNAL';
}

/** gRPC status names, as in the gRPC spec; `@strife/runtime` turns them into status codes. */
export type GrpcStatusName =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'PERMISSION_DENIED'
  | 'RESOURCE_EXHAUSTED'
  | 'FAILED_PRECONDITION'
  | 'ABORTED'
  | 'UNAUTHENTICATED'
  | 'UNAVAILABLE'
  | 'DEADLINE_EXCEEDED'
  | 'INTERNAL';

/**
 * The one table from domain error code to gRPC status. It is total by type: adding a code to
 * `ERROR_CODES` without a row here does not compile.
 */
export const STATUS_BY_CODE: { readonly [C in ErrorCode]: GrpcStatusName } = {
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  UNKNOWN_ACCOUNT: 'NOT_FOUND',
  INSUFFICIENT_FUNDS: 'FAILED_PRECONDITION',
  UNKNOWN_LEG: 'FAILED_PRECONDITION',
  LEG_STATE_CONFLICT: 'FAILED_PRECONDITION',
  LEG_MISMATCH: 'INVALID_ARGUMENT',
  LEG_REFUSED: 'FAILED_PRECONDITION',
  IDEMPOTENCY_KEY_REUSED: 'INVALID_ARGUMENT',
  IDEMPOTENCY_KEY_EXPIRED: 'FAILED_PRECONDITION',
  REQUEST_IN_FLIGHT: 'ABORTED',
  UNKNOWN_PAYMENT: 'NOT_FOUND',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  INVALID_CREDENTIALS: 'UNAUTHENTICATED',
  NOT_AUTHORIZED: 'PERMISSION_DENIED',
  PEER_NOT_ALLOWED: 'PERMISSION_DENIED',
  TOO_MANY_ATTEMPTS: 'RESOURCE_EXHAUSTED',
  USERNAME_TAKEN: 'ALREADY_EXISTS',
  DEPENDENCY_UNAVAILABLE: 'UNAVAILABLE',
  TIMEOUT: 'DEADLINE_EXCEEDED',
  INTERNAL: 'INTERNAL',
};
