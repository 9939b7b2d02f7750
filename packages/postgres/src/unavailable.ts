import { errorMessage } from './errorMessage';

/**
 * What is known of a write that failed with `DatabaseUnavailable`: `not-committed` when it
 * certainly did not commit, `unknown` when the connection was lost during its COMMIT (it may
 * have committed; only re-reading tells).
 */
export type UnavailableOutcome = 'not-committed' | 'unknown';

/**
 * The database could not be reached or could not serve the request now (connection refused,
 * reset or terminated, timeouts, the server shutting down or out of resources). Temporary: the
 * caller should answer UNAVAILABLE and let its client retry, rather than report a permanent error.
 */
export class DatabaseUnavailable extends Error {
  readonly code = 'DATABASE_UNAVAILABLE';

  constructor(
    message: string,
    readonly outcome: UnavailableOutcome,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DatabaseUnavailable';
  }

  /** `error` as a `DatabaseUnavailable` with `outcome`, keeping it as the cause. */
  static from(error: unknown, outcome: UnavailableOutcome): DatabaseUnavailable {
    if (error instanceof DatabaseUnavailable && error.outcome === outcome) return error;
    const reason = errorMessage(error);
    const prefix =
      outcome === 'unknown'
        ? 'database connection lost during COMMIT; the write may or may not have committed'
        : 'database unavailable';
    return new DatabaseUnavailable(`${prefix}: ${reason}`, outcome, { cause: error });
  }
}

/** Node socket errors that mean the server cannot be reached. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs that say the server cannot serve now, whatever was asked: connection exceptions
 * (class 08), insufficient resources (class 53), operator intervention (class 57: shutdown,
 * crash recovery, statement timeout or cancel) and idle-in-transaction timeout.
 */
const UNAVAILABLE_SQLSTATE = /^(08|53|57)...$|^25P03$/;

/** `pg`'s own errors for a lost or unusable connection carry no code, only these messages. */
const DRIVER_MESSAGES =
  /^Connection terminated|timeout exceeded when trying to connect|is not queryable|^Query read timeout|^Cannot use a pool after calling end/;

/**
 * True for a `DatabaseUnavailable`, and for any error from `pg` (or one with it as `cause`) that
 * says the database is unreachable or cannot serve now, e.g. from a plain `pool.query`. Callers
 * map it to gRPC UNAVAILABLE. A refused statement (constraint, syntax, permission) is not.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  // Duck-typed: errors from Node's own modules are of another realm inside jest's sandbox.
  let cause = error;
  for (let depth = 0; typeof cause === 'object' && cause !== null && depth < 8; depth++) {
    if (cause instanceof DatabaseUnavailable) return true;
    const { code, syscall, severity, errors } = cause as Partial<Record<string, unknown>>;
    if (Array.isArray(errors) && errors.some(isDatabaseUnavailable)) return true; // AggregateError
    if (typeof code === 'string') {
      if (typeof severity === 'string') {
        // An error the server sent (pg's DatabaseError): its code is a SQLSTATE.
        if (UNAVAILABLE_SQLSTATE.test(code)) return true;
      } else if (SOCKET_CODES.has(code) || (code === 'ENOENT' && syscall === 'connect')) {
        return true; // ENOENT on connect: a unix socket that is not there
      }
    }
    if (typeof severity !== 'string' && DRIVER_MESSAGES.test(errorMessage(cause))) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}
