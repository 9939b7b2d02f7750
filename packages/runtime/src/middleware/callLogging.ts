import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { isAbortError } from 'abort-controller-x';
import { ServerError, Status, type ServerMiddleware } from 'nice-grpc-common';
import type { Logger } from 'pino';
import { HEALTH_SERVICE, peerIdentity } from '../tls/peerPolicy';
import { formatIdentity } from '../tls/identity';

/** Lets a handler add fields (user, txid, amount, retry) to its call's log line. */
export interface CallLog {
  annotate(fields: Readonly<Record<string, unknown>>): void;
  /** The call's request id (`x-request-id`), to pass on to the calls it makes. */
  readonly requestId?: string;
}

/** Metadata key of the request id that ties a payment's log lines together across services. */
export const REQUEST_ID_KEY = 'x-request-id';

/** A request id a caller may choose: short, and safe to print in a log line. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * The call's request id: the caller's `x-request-id` when it is well formed (1–64 of
 * `A-Z a-z 0-9 . _ : -`), else a fresh UUID when `assign`, else none.
 */
function requestIdOf(sent: string | undefined, assign: boolean): string | undefined {
  if (sent !== undefined && REQUEST_ID.test(sent)) return sent;
  return assign ? randomUUID() : undefined;
}

export interface CallLogContext {
  readonly callLog: CallLog;
}

/** Longest string a log line carries per field: input is attacker-sized, log lines must not be. */
export const MAX_LOGGED = 200;

/** `value`, with any string in it cut to `MAX_LOGGED` characters and marked as cut. */
export function bounded(value: unknown): unknown {
  if (typeof value !== 'string' || value.length <= MAX_LOGGED) return value;
  return `${value.slice(0, MAX_LOGGED)}… (${value.length} characters)`;
}

/**
 * The address of a call's peer without its port (`ipv4:10.0.0.7:51234` → `10.0.0.7`), for
 * limits that count per source address.
 */
export function peerAddress(peer: string): string {
  const withoutScheme = peer.replace(/^(ipv4|ipv6):/, '');
  const host = withoutScheme.replace(/:\d+$/, '');
  return host.replace(/^\[(.*)\]$/, '$1');
}

/** Statuses that are the caller's doing: logged at `warn`, not `error`. */
const CALLER_STATUSES = new Set<Status>([
  Status.CANCELLED,
  Status.INVALID_ARGUMENT,
  Status.NOT_FOUND,
  Status.ALREADY_EXISTS,
  Status.PERMISSION_DENIED,
  Status.RESOURCE_EXHAUSTED,
  Status.FAILED_PRECONDITION,
  Status.ABORTED,
  Status.UNAUTHENTICATED,
]);

/**
 * One log line per call: method, peer identity and address, request id, status, duration, plus
 * whatever the handler annotated. Health checks log at `debug` so probes do not drown real
 * traffic. With `assignRequestIds` (the gateway, where client requests enter), a call without a
 * well-formed `x-request-id` gets a fresh one, sent back in the response headers.
 */
export function callLoggingMiddleware(
  logger: Logger,
  observe?: (service: string, method: string, code: string, seconds: number) => void,
  assignRequestIds = false,
): ServerMiddleware<CallLogContext> {
  return async function* logCall(call, context) {
    const fields: Record<string, unknown> = {};
    const requestId = requestIdOf(context.metadata.get(REQUEST_ID_KEY), assignRequestIds);
    if (requestId !== undefined) {
      fields.requestId = requestId;
      if (assignRequestIds) context.header.set(REQUEST_ID_KEY, requestId);
    }
    const callLog: CallLog = {
      annotate: (more) => {
        for (const [name, value] of Object.entries(more)) fields[name] = bounded(value);
      },
      requestId,
    };
    const started = performance.now();
    let code = Status.OK;
    try {
      return yield* call.next(call.request, { ...context, callLog });
    } catch (error) {
      code =
        error instanceof ServerError
          ? error.code
          : isAbortError(error)
            ? Status.CANCELLED
            : Status.INTERNAL;
      if (error instanceof ServerError) fields.error = bounded(error.details);
      throw error;
    } finally {
      const elapsedMs = performance.now() - started;
      if (observe) {
        const [, service = '', method = ''] = call.method.path.split('/');
        observe(service, method, Status[code], elapsedMs / 1000);
      }
      const level = call.method.path.startsWith(`/${HEALTH_SERVICE}/`)
        ? 'debug'
        : code === Status.OK
          ? 'info'
          : CALLER_STATUSES.has(code)
            ? 'warn'
            : 'error';
      if (logger.isLevelEnabled(level)) {
        const peer = peerIdentity(context);
        const line = {
          method: call.method.path,
          peer: peer ? formatIdentity(peer) : undefined,
          ip: context.peer,
          ...fields,
          status: Status[code],
          durationMs: Math.round(elapsedMs * 100) / 100,
        };
        logger[level](line, 'call');
      }
    }
  };
}
