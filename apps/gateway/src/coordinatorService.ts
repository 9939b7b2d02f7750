import type { Coordinator, DecisionLog } from '@strife/coordinator';
import { InvalidArgument, NotAuthorized } from '@strife/domain';
import { type CoordinatorServiceImplementation, Decision } from '@strife/protocol';
import { type CallLogContext, peerIdentity } from '@strife/runtime';

/**
 * ResolveTransaction for banks holding in-doubt legs: the decision on record, or presumed abort.
 * A bank may only ask about transactions it takes part in (or that were never logged here).
 */
export function coordinatorService(
  coordinator: Coordinator,
  decisions: DecisionLog,
): CoordinatorServiceImplementation<CallLogContext> {
  return {
    async resolveTransaction(request, context) {
      if (request.txid <= 0n) throw new InvalidArgument('txid', 'must be positive');
      const bank = peerIdentity(context)?.name;
      const record = await decisions.get(request.txid);
      if (record && record.legs.length > 0 && !record.legs.some((l) => l.participant === bank)) {
        throw new NotAuthorized(`bank ${bank ?? '?'} takes no part in txid ${request.txid}`);
      }
      const decision = await coordinator.resolve(request.txid);
      context.callLog.annotate({ txid: request.txid.toString(), decision });
      return {
        decision: decision === 'COMMIT' ? Decision.DECISION_COMMIT : Decision.DECISION_ABORT,
      };
    },
  };
}
