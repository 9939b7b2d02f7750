import { DependencyUnavailable, StrifeError } from '@strife/domain';
import { withDeadline } from './deadline';
import { persist, type RetryPolicy } from './retry';
import type { Decision, Leg, Participant } from './types';

export interface PhaseTwoContext {
  readonly participants: (name: string) => Participant | undefined;
  readonly ackMs: number;
  readonly retry: RetryPolicy;
  /** The cap on the re-send delay after a participant refused the message (see `isRefusal`). */
  readonly refusedMaxMs: number;
  /** Aborts when the coordinator closes or loses the transaction; delivery then stops. */
  readonly signal: AbortSignal;
  readonly onAck: (leg: Leg) => Promise<void>;
  readonly onRetry: (leg: Leg, attempt: number, delayMs: number, error: unknown) => void;
}

/**
 * Whether a participant refused a Commit/Abort (the leg is unknown there, or in the other final
 * state), rather than failing to answer. That means lost books or a bug: the decision stands and
 * is re-sent, but rarely, and it is reported as stuck.
 */
export function isRefusal(error: unknown): boolean {
  return (
    error instanceof StrifeError &&
    (error.code === 'LEG_REFUSED' ||
      error.code === 'UNKNOWN_LEG' ||
      error.code === 'LEG_STATE_CONFLICT')
  );
}

/**
 * Sends `decision` to one leg until its participant acknowledges. A participant whose name is
 * unknown cannot be told: for COMMIT that is retried like a lost ack (it voted YES, so it must
 * hear the decision once it is known again); for ABORT it counts as done, since presumed abort
 * gives it the same answer if it ever asks.
 */
function deliver(
  txid: bigint,
  leg: Leg,
  decision: Decision,
  ctx: PhaseTwoContext,
): Promise<boolean> {
  if (decision === 'ABORT' && ctx.participants(leg.participant) === undefined) {
    return Promise.resolve(true);
  }
  const send = async (): Promise<void> => {
    const participant = ctx.participants(leg.participant);
    if (participant === undefined) {
      throw new DependencyUnavailable(`unknown participant ${leg.participant}`);
    }
    await withDeadline(
      (signal) =>
        decision === 'COMMIT'
          ? participant.commit(txid, leg, signal)
          : participant.abort(txid, leg, signal),
      ctx.ackMs,
      ctx.retry.clock,
      ctx.signal,
    );
    await ctx.onAck(leg);
  };
  return persist(
    send,
    ctx.retry,
    ctx.signal,
    (attempt, delayMs, error) => ctx.onRetry(leg, attempt, delayMs, error),
    (error) => (isRefusal(error) ? ctx.refusedMaxMs : ctx.retry.maxMs),
  );
}

/**
 * Delivers `decision` to every leg in parallel, each until acknowledged. Resolves true when all
 * acknowledged, false if `signal` aborted first. Abort goes to every leg, including ones that
 * voted NO or never answered: they may have prepared anyway.
 */
export async function deliverDecision(
  txid: bigint,
  legs: readonly Leg[],
  decision: Decision,
  ctx: PhaseTwoContext,
): Promise<boolean> {
  const acked = await Promise.all(legs.map((leg) => deliver(txid, leg, decision, ctx)));
  return acked.every(Boolean);
}
