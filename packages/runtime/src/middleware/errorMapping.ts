import { isAbortError } from 'abort-controller-x';
import type { ServerMiddleware } from 'nice-grpc-common';
import type { Logger } from 'pino';
import { toServerError } from './errorStatus';
import { StrifeError } from '@strife/protocol';

/** Server middleware that sends every thrown error through `toServerError`. */
export function errorMappingMiddleware(logger: Logger): ServerMiddleware {
  return async function* mapErrors(call, context) {
    try {
      return yield* call.next(call.request, context);
    } catch (error) {
      if (isAbortError(error)) throw error;
      const mapped = toServerError(error);
      const unexpected = !(error instanceof StrifeError) || error.code === 'INTERNAL';
      if (unexpected && mapped !== error) {
        logger.error({ err: error, method: call.method.path }, 'unexpected error in handler');
      }
      throw mapped;
    }
  };
}
