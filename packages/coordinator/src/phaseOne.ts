import { Timeout } from '@strife/domain';
import type { Clock } from './clock';
import { SETTLED, withDeadline } from './deadline';
import type { AbortCause, Leg, Participant, Transaction, Vote } from './types';

export interface PhaseOneContext {
  readonly participants: (name: string) => Participant | undefined;
  readonly clock: Clock;
  readonly prepareMs: number;
  /** Aborts when the coordinator closes; phase 1 then stops waiting at once. */
  readonly signal: AbortSignal;
  readonly onVote: (leg: Leg, vote: Vote) => void;
}

function failureCause(leg: Leg, error: unknown): AbortCause {
  if (error instanceof Timeout) return { kind: 'TIMEOUT', participant: leg.participant };
  const detail = error instanceof Error ? error.message : String(error);
  return { kind: 'UNAVAILABLE', participant: leg.participant, detail };
}

function noCause(leg: Leg, vote: Extract<Vote, { vote: 'NO' }>): AbortCause {
  return {
    kind: 'VOTED_NO',
    participant: leg.participant,
    reason: vote.reason,
    ...(vote.detail === undefined ? {} : { detail: vote.detail }),
  };
}

/**
 * Sends Prepare for every leg in parallel and resolves undefined when all vote YES within
 * `prepareMs`. Otherwise it resolves with the first failure (a NO, a thrown error, or the
 * timeout) and aborts the prepares still in flight. An unknown participant fails the
 * transaction before any Prepare is sent. When `signal` aborts it resolves at once with
 * whatever cause comes first; the caller must then check its own signal.
 */
export async function collectVotes(
  tx: Transaction,
  ctx: PhaseOneContext,
): Promise<AbortCause | undefined> {
  const targets: [Leg, Participant][] = [];
  for (const leg of tx.legs) {
    const participant = ctx.participants(leg.participant);
    if (participant === undefined) {
      return { kind: 'UNAVAILABLE', participant: leg.participant, detail: 'unknown participant' };
    }
    targets.push([leg, participant]);
  }
  const phase = new AbortController();
  const stop = (): void => phase.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', stop, { once: true });
  try {
    return await new Promise<AbortCause | undefined>((resolve) => {
      let yes = 0;
      const settle = (cause: AbortCause | undefined): void => {
        phase.abort(SETTLED);
        resolve(cause);
      };
      for (const [leg, participant] of targets) {
        withDeadline(
          (signal) => participant.prepare(tx.txid, leg, signal),
          ctx.prepareMs,
          ctx.clock,
          phase.signal,
        ).then(
          (vote) => {
            ctx.onVote(leg, vote);
            if (vote.vote === 'NO') settle(noCause(leg, vote));
            else if ((yes += 1) === targets.length) settle(undefined);
          },
          (error: unknown) => settle(failureCause(leg, error)),
        );
      }
    });
  } finally {
    ctx.signal.removeEventListener('abort', stop);
  }
}
