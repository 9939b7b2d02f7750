import { Status } from 'nice-grpc';
import type { Context } from '../context';
import { CliError, EXIT } from '../exitCodes';
import { gatewayError, grpcStatus, withToken } from '../gatewayClient';
import { keyOption } from '../input';
import type { Result } from '../output';
import {
  type PaymentView,
  paymentResult,
  viewOfOutcome,
  viewOfQueued,
  viewOfWire,
} from '../paymentView';
import type { QueuedPayment } from '../queue';
import type { Session } from '../session';
import { classify } from '../statusClass';

export interface StatusOptions {
  readonly key: string;
}

/**
 * `strife status --key K`: the gateway's answer when it knows the key. When it does not (NOT
 * FOUND) or cannot be reached, the local queue answers: QUEUED (exit 3) while the payment
 * waits, or the outcome recorded when it left the queue. A key unknown everywhere is NOT_FOUND,
 * exit 1. PENDING (the gateway has not decided yet) exits 5.
 */
export async function status(ctx: Context, options: StatusOptions): Promise<Result> {
  const key = keyOption(options.key, '--key');
  const session = ctx.requireSession();
  const gateway = ctx.gateway;
  try {
    const { payment } = await gateway.client.getPayment(
      { idempotencyKey: key },
      withToken(session.token),
    );
    if (payment) return paymentResult(viewOfWire(payment));
  } catch (err) {
    const code = grpcStatus(err);
    const askLocal = code === Status.NOT_FOUND || (code !== undefined && classify(code).offline);
    const local = askLocal ? localView(ctx, session, key) : undefined;
    if (local) return paymentResult(local);
    throw gatewayError(err, gateway.address, true);
  }
  const local = localView(ctx, session, key);
  if (local) return paymentResult(local);
  throw new CliError(EXIT.DECLINED, 'NOT_FOUND', `no payment with key ${key}`);
}

function localView(ctx: Context, session: Session, key: string): PaymentView | undefined {
  const queued = ctx.queue.get(session.username, key);
  if (queued) return viewOfQueued(queued, queuedReason(queued));
  const outcome = ctx.queue.outcome(session.username, key);
  return outcome && viewOfOutcome(outcome);
}

function queuedReason(payment: QueuedPayment): string {
  const next = new Date(payment.nextAttemptAt).toISOString();
  const last = payment.lastError === undefined ? '' : `; last: ${payment.lastError}`;
  return `in the offline queue, ${payment.attempts} attempt(s) so far, next at ${next}${last}`;
}
