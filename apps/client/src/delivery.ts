import { Status } from 'nice-grpc';
import { type Backoff, backoffDelay } from '@strife/domain';
import { type GatewayConnection, grpcDetails, grpcStatus, payOnAnyInstance } from './gatewayClient';
import { viewOfWire } from './paymentView';
import type { Outcome, PaymentQueue, QueuedPayment } from './queue';
import type { Session } from './session';
import { classify } from './statusClass';

/** How one send of a queued payment ended. */
export type Delivery =
  /** The gateway decided (COMMITTED or ABORTED); the outcome is recorded and the payment left the queue. */
  | { readonly kind: 'final'; readonly outcome: Outcome }
  /** The gateway refused the request itself (a permanent status); recorded, never retried. */
  | {
      readonly kind: 'refused';
      readonly outcome: Outcome;
      readonly status: Status;
      readonly details: string;
    }
  /** A temporary failure, or the session is gone: the payment stays queued. */
  | {
      readonly kind: 'queued';
      readonly retry: 'later' | 'after-login';
      readonly reason: string;
      readonly payment: QueuedPayment;
    };

/**
 * Sends `payment` once with its idempotency key and records what happened in `queue`: a final
 * outcome or permanent refusal takes it off the queue; a temporary failure counts an attempt
 * and schedules the next by `backoff`. Resending a key is always safe: the gateway answers a
 * repeated key with the first outcome, so money moves at most once however often this runs,
 * from however many processes.
 * @throws whatever is not a gRPC error (the payment then stays queued as it was).
 */
export async function deliver(
  queue: PaymentQueue,
  gateway: GatewayConnection,
  session: Session,
  payment: QueuedPayment,
  backoff: Backoff,
  now: () => number = Date.now,
  /** Called when a gateway instance has taken the payment (its first answer byte arrived). */
  onAccepted?: () => void,
): Promise<Delivery> {
  const outcome = (fields: Pick<Outcome, 'status' | 'txid' | 'reason' | 'errorCode'>): Outcome => ({
    username: payment.username,
    key: payment.key,
    to: payment.to,
    amount: payment.amount,
    queuedAt: payment.queuedAt,
    finishedAt: now(),
    ...fields,
  });
  let status: Status;
  let reason: string;
  try {
    const answer = await payOnAnyInstance(
      gateway,
      { idempotencyKey: payment.key, to: payment.to, amount: payment.amount, from: '' },
      session.token,
      onAccepted,
    );
    const view = answer.payment && viewOfWire(answer.payment);
    if (view?.status === 'COMMITTED' || view?.status === 'ABORTED') {
      const final = outcome({
        status: view.status,
        txid: view.txid,
        reason: view.reason ?? '',
        errorCode: undefined,
      });
      queue.complete(final);
      return { kind: 'final', outcome: final };
    }
    status = Status.UNAVAILABLE;
    reason = 'the gateway answered without a decision';
  } catch (err) {
    const code = grpcStatus(err);
    if (code === undefined) throw err;
    status = code;
    const details = grpcDetails(err);
    if (classify(code).retry === 'never') {
      const refused = outcome({
        status: 'ABORTED',
        txid: undefined,
        reason: `refused by the gateway (${Status[code]}): ${details}`,
        errorCode: Status[code],
      });
      queue.complete(refused);
      return { kind: 'refused', outcome: refused, status: code, details };
    }
    reason = retryReason(code, details, gateway.address);
  }
  const retry = classify(status).retry === 'after-login' ? 'after-login' : 'later';
  const updated = queue.recordFailure(payment.username, payment.key, reason, now(), (attempts) =>
    backoffDelay(attempts, backoff),
  );
  if (updated) return { kind: 'queued', retry, reason, payment: updated };
  const recorded = queue.outcome(payment.username, payment.key);
  if (recorded) return { kind: 'final', outcome: recorded };
  throw new Error(`payment ${payment.key} left the queue without an outcome`);
}

function retryReason(status: Status, details: string, address: string): string {
  if (status === Status.UNAUTHENTICATED) {
    return `the session has expired or was revoked (${details}); it is sent after the next \`strife login\``;
  }
  if (classify(status).offline) return `gateway ${address} unreachable: ${details}`;
  return `${Status[status]}: ${details}`;
}
