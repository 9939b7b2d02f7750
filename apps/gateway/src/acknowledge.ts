import type { ServerMiddleware } from 'nice-grpc-common';

/**
 * Sends every call's response header as soon as the call is taken, before any work: a client
 * that hears nothing within a few seconds can then tell an instance that is unreachable (stopped,
 * or its host gone) from one that is working on a payment, and fail over only from the first.
 */
export const acknowledge: ServerMiddleware = async function* acknowledge(call, context) {
  context.sendHeader();
  return yield* call.next(call.request, context);
};
