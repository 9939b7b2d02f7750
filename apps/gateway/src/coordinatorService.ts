import type { Coordinator } from '@strife/coordinator';
import { type CoordinatorServiceImplementation, Decision, InvalidArgument } from '@strife/protocol';
import type { CallLogContext } from '@strife/runtime';

/** ResolveTransaction for banks holding in-doubt legs: the decision on record, or presumed abort. */
export function coordinatorService(
  coordinator: Coordinator,
): CoordinatorServiceImplementation<CallLogContext> {
  return {
    async resolveTransaction(request, context) {
      if (request.txid <= 0n) throw new InvalidArgument('txid', 'must be positive');
      const decision = await coordinator.resolve(request.txid);
      context.callLog.annotate({ txid: request.txid.toString(), decision });
      return {
        decision: decision === 'COMMIT' ? Decision.DECISION_COMMIT : Decision.DECISION_ABORT,
      };
    },
  };
}
