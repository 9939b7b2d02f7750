import { isAbortError } from 'abort-controller-x';
import type { ServerMiddleware } from 'nice-grpc-common';
import type { Logger } from 'pino';
import { isUnexpectedError, toServerError } from './errorStatus';

/** Server middleware that sends every thrown error through `toServerError`. */
export function errorMappingMiddleware(logger: Logger): ServerMiddleware {
  return async function* mapErrors(call, context) {
    try {
      return yield* call.next(call.request, context);
    } catch (error) {
      if (isAbortError(error)) throw error;
      const mapped = toServerError(error);
      if (isUnexpectedError(error) && mapped !== error) {
        logger.error({ err: error, method: call.method.path }, 'unexpected error in handler');
      }
      throw mapped;
    }
  };
}
