import { formatAmount } from '@strife/domain';
import { StorageFailure } from '@strife/sqlite';
import { Status } from 'nice-grpc';
import { DEFAULT_BACKOFF } from '../backoff';
import type { Context } from '../context';
import { deliver } from '../delivery';
import { CliError, EXIT, usageError } from '../exitCodes';
import { accountOption, amountOption, keyOption } from '../input';
import type { Result } from '../output';
import { paymentJson, paymentResult, viewOfOutcome, viewOfQueued } from '../paymentView';
import type { EnqueueResult } from '../queue';
import { classify } from '../statusClass';

export interface PayOptions {
  readonly to: string;
  readonly amount: string;
  /** Idempotency key; default a fresh UUIDv7. */
  readonly key?: string;
}

/**
 * `strife pay`: checks the input, writes the payment to the durable queue, then sends it once.
 * A decision (COMMITTED, ABORTED) or a permanent refusal takes it off the queue; an unreachable
 * gateway or a temporary failure leaves it queued for the retrier (QUEUED, exit 3); an expired
 * session leaves it queued until the next login (exit 4). Paying with a key that is already
 * queued sends that payment now instead of queuing it twice.
 */
export async function pay(ctx: Context, options: PayOptions): Promise<Result> {
  const to = accountOption(options.to, '--to');
  const amount = amountOption(options.amount, '--amount');
  const key = keyOption(options.key, '--key');
  const session = ctx.requireSession();
  if (to === session.account) throw usageError('--to: cannot pay your own account');
  const gateway = ctx.gateway;

  const now = Date.now();
  let queued: EnqueueResult;
  try {
    queued = ctx.queue.enqueue(
      { username: session.username, key, to, amount },
      now,
      now + DEFAULT_BACKOFF.initialMs,
    );
  } catch (err) {
    if (!(err instanceof StorageFailure)) throw err;
    throw new CliError(
      EXIT.OTHER,
      'QUEUE_WRITE_FAILED',
      `cannot write the offline queue (${err.reason}); the payment was not sent`,
    );
  }
  if (queued.state === 'mismatch') {
    const { payment } = queued;
    throw usageError(
      `--key: ${key} is already queued for a different payment (${formatAmount(payment.amount)} to ${payment.to})`,
    );
  }

  await ctx.failpoints.hit('client.after-queue');
  const delivery = await deliver(
    ctx.queue,
    gateway,
    session,
    queued.payment,
    DEFAULT_BACKOFF,
    Date.now,
    () => void ctx.failpoints.hit('client.after-send'),
  );
  switch (delivery.kind) {
    case 'final':
      return paymentResult(viewOfOutcome(delivery.outcome));
    case 'refused':
      throw new CliError(
        classify(delivery.status).exitCode,
        Status[delivery.status],
        `payment ${key} refused: ${delivery.details}`,
      );
    case 'queued': {
      const view = viewOfQueued(delivery.payment, delivery.reason);
      if (delivery.retry === 'after-login') {
        return {
          exitCode: EXIT.AUTH,
          json: paymentJson(view),
          error: `payment ${key} stays queued: ${delivery.reason}`,
        };
      }
      return paymentResult(view, [
        'it stays in the offline queue; `strife daemon` or `strife shell` sends it when the gateway is back',
      ]);
    }
  }
}
