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
  'IDEMPOTENCY_KEY_REUSED',
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
    super(`unknown account ${account}`);
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
    super(`unknown transaction leg ${key}`);
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
    super(`cannot ${attempted} leg ${key}: it is already ${state}`);
  }
}

/** The same leg key arrived again with different parameters. */
export class LegMismatch extends StrifeError {
  readonly code = 'LEG_MISMATCH';
  constructor(
    readonly key: string,
    readonly field: string,
  ) {
    super(`leg ${key} already exists with a different ${field}`);
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
      `idempotency key ${key} was used for a different request (${fields.join(', ')} ${fields.length === 1 ? 'differs' : 'differ'})`,
    );
  }
}

/** An attempt with this idempotency key is still running; retry later with the same key. */
export class RequestInFlight extends StrifeError {
  readonly code = 'REQUEST_IN_FLIGHT';
  constructor(readonly key: string) {
    super(
      `a request with idempotency key ${key} is still in flight; retry later with the same key`,
    );
  }
}

export class UnknownPayment extends StrifeError {
  readonly code = 'UNKNOWN_PAYMENT';
  constructor(readonly key: string) {
    super(`no payment with key ${key}`);
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
    super(`username ${username} is taken`);
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
