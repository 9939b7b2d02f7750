import type { CoordinatorEvent } from '@strife/coordinator';
import type { Logger } from '@strife/runtime';

/**
 * 2PC events with their txid (and the request id driving it, when this instance knows one):
 * refusals loudly, decisions and retries at info, the rest at debug.
 */
export function logEvent(
  logger: Logger,
  event: CoordinatorEvent,
  requestIdOf: (txid: bigint) => string = () => '',
): void {
  if (event.type === 'MAINTENANCE_FAILED') {
    logger.warn({ err: event.error, what: event.what }, '2pc maintenance failed; retrying');
    return;
  }
  const level =
    event.type === 'REFUSED'
      ? 'error'
      : event.type === 'DECIDED' ||
          event.type === 'DONE' ||
          event.type === 'RETRY' ||
          event.type === 'TAKEN_OVER' ||
          event.type === 'LOST'
        ? 'info'
        : 'debug';
  if (!logger.isLevelEnabled(level)) return;
  if (event.type === 'REFUSED') {
    const { txid, leg, decision, attempt, delayMs, error } = event;
    logger.error(
      {
        txid: txid.toString(),
        ...withRequestId(requestIdOf(txid)),
        bank: leg.participant,
        leg: leg.kind,
        decision,
        attempt,
        retryInMs: delayMs,
        reason: error instanceof Error ? error.message : String(error),
      },
      `2pc REFUSED: bank ${leg.participant} refuses the ${decision} of txid ${txid} (${leg.kind}); re-sending`,
    );
    return;
  }
  logger[level](
    { ...event, txid: event.txid.toString(), ...withRequestId(requestIdOf(event.txid)) },
    `2pc ${event.type}`,
  );
}

function withRequestId(requestId: string): { requestId?: string } {
  return requestId === '' ? {} : { requestId };
}
