import type { AbortCause, CoordinatorEvent, Leg } from '@strife/coordinator';

function leg(l: Leg): string {
  return `${l.kind}@${l.participant}`;
}

function cause(c: AbortCause | undefined): string {
  if (c === undefined) return '';
  switch (c.kind) {
    case 'VOTED_NO':
      return ` (${c.participant} voted NO: ${c.reason})`;
    case 'TIMEOUT':
      return ` (${c.participant} timed out)`;
    case 'UNAVAILABLE':
      return ` (${c.participant} unavailable: ${c.detail})`;
    case 'PRESUMED':
      return ' (presumed)';
  }
}

/** A coordinator event as one trace line. */
export function describeEvent(event: CoordinatorEvent): string {
  switch (event.type) {
    case 'INITIATED':
      return `tx ${event.txid} INITIATED ${event.legs.map(leg).join(' ')}`;
    case 'PREPARED_VOTE':
      return `tx ${event.txid} ${leg(event.leg)} voted ${event.vote.vote}`;
    case 'DECIDED':
      return `tx ${event.txid} DECIDED ${event.decision}${cause(event.cause)}`;
    case 'ACKED':
      return `tx ${event.txid} ${leg(event.leg)} acked ${event.decision}`;
    case 'RETRY':
      return `tx ${event.txid} ${event.leg ? leg(event.leg) : 'DONE'} retry ${event.attempt} in ${event.delayMs} ms`;
    case 'REFUSED':
      return `tx ${event.txid} ${leg(event.leg)} REFUSED ${event.decision}`;
    case 'TAKEN_OVER':
      return `tx ${event.txid} taken over (${event.state})`;
    case 'LOST':
      return `tx ${event.txid} lost to another instance`;
    case 'DONE':
      return `tx ${event.txid} DONE (${event.decision})`;
    case 'MAINTENANCE_FAILED':
      return `${event.what} failed`;
  }
}
