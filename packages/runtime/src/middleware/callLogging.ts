import { performance } from 'node:perf_hooks';
import { isAbortError } from 'abort-controller-x';
import { ServerError, Status, type ServerMiddleware } from 'nice-grpc-common';
import type { Logger } from 'pino';
import { HEALTH_SERVICE, peerIdentity } from '../tls/peerPolicy';
import { formatIdentity } from '../tls/identity';

/** Lets a handler add fields (user, txid, amount, retry) to its call's log line. */
export interface CallLog {
  annotate(fields: Readonly<Record<string, unknown>>): void;
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
 * One log line per call: method, peer identity and address, status, duration, plus whatever
 * the handler annotated. Health checks log at `debug` so probes do not drown real traffic.
 */
export function callLoggingMiddleware(
  logger: Logger,
  observe?: (service: string, method: string, code: string, seconds: number) => void,
): ServerMiddleware<CallLogContext> {
  return async function* logCall(call, context) {
    const fields: Record<string, unknown> = {};
    const callLog: CallLog = {
      annotate: (more) => {
        for (const [name, value] of Object.entries(more)) fields[name] = bounded(value);
      },
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
