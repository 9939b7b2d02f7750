import type { Coordinator, DecisionLog } from '@strife/coordinator';
import { INT64_MAX, InvalidArgument, NotAuthorized } from '@strife/domain';
import { type CoordinatorServiceImplementation, Decision } from '@strife/protocol';
import { type CallLogContext, peerIdentity } from '@strife/runtime';

/**
 * ResolveTransaction for banks holding in-doubt legs: the decision on record, or presumed abort.
 * Any gateway instance answers from the shared log. A bank may only ask about transactions it
 * takes part in; a txid never logged is answered ABORT and nothing is recorded (no bank can hold
 * a leg of it), so no bank can abort a payment it takes no part in by asking first.
 */
export function coordinatorService(
  coordinator: Coordinator,
  decisions: DecisionLog,
): CoordinatorServiceImplementation<CallLogContext> {
  return {
    async resolveTransaction(request, context) {
      if (request.txid <= 0n || request.txid > INT64_MAX) {
        throw new InvalidArgument('txid', `must be in 1..${INT64_MAX}`);
      }
      const bank = peerIdentity(context)?.name;
      context.callLog.annotate({ txid: request.txid.toString() });
      const record = await decisions.get(request.txid);
      if (record && record.legs.length > 0 && !record.legs.some((l) => l.participant === bank)) {
        throw new NotAuthorized(`bank ${bank ?? '?'} takes no part in txid ${request.txid}`);
      }
      const decision = await coordinator.resolve(request.txid);
      context.callLog.annotate({ decision, logged: record !== undefined });
      return {
        decision: decision === 'COMMIT' ? Decision.DECISION_COMMIT : Decision.DECISION_ABORT,
      };
    },
  };
}
