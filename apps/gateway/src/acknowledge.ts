import type { ServerMiddleware } from 'nice-grpc-common';

/** The response header that acknowledges a call, naming the instance that took it. */
export const ACCEPTED_BY = 'x-strife-instance';

/**
 * Sends every call's response header as soon as the call is taken, before any work, naming this
 * instance: a client that hears nothing within a few seconds can then tell an instance that is
 * unreachable (stopped, or its host gone) from one that is working on a payment, and fail over
 * only from the first. (An empty header would not be sent at all, hence the name in it.) Once a
 * client has the header, grpc-js no longer retries the call by itself: the server has it.
 */
export function acknowledge(instance: string): ServerMiddleware {
  return async function* acknowledgeCall(call, context) {
    context.header.set(ACCEPTED_BY, instance);
    context.sendHeader();
    return yield* call.next(call.request, context);
  };
}
