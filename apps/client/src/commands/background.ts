import { formatAmount } from '@strife/domain';
import type { Backoff } from '@strife/domain';
import type { Context } from '../context';
import { connectGateway } from '../gatewayClient';
import { notify } from '../output';
import { historyJson, paymentLine, viewOfOutcome } from '../paymentView';
import { Retrier } from '../retrier';

/** A retrier running in the background. */
export interface Background {
  /** The gateway it sends to. */
  readonly address: string;
  /** Stops after the send in progress and closes its connection. */
  stop(): Promise<void>;
}

/**
 * Starts the retrier for `daemon` and `shell`, on a gateway connection of its own (shell
 * commands may switch theirs with `--gateway`). It prints a line on stdout for each final
 * outcome and each change in the number of payments waiting for a login (a JSON object per
 * line with `--json`); retries and unexpected errors go to stderr. `after` runs after each
 * stdout line (the shell redraws its prompt).
 */
export function startRetrier(
  ctx: Context,
  backoff: Backoff,
  after: () => void = () => undefined,
): Background {
  const { sink } = ctx;
  const gateway = connectGateway(ctx.env, ctx.gatewayOverride);
  const retrier = new Retrier(
    {
      queue: ctx.queue,
      home: ctx.home,
      gateway,
      events: {
        settled(delivery) {
          const view = viewOfOutcome(delivery.outcome);
          const { key, txid, status, reason, to, amount } = historyJson(view);
          notify(
            ctx.json,
            { event: 'payment', key, txid, status, reason, to, amount },
            paymentLine(view),
            sink,
          );
          after();
        },
        waiting(count) {
          const text = `waiting for login to send ${count} queued payment${count === 1 ? '' : 's'}`;
          notify(
            ctx.json,
            { event: 'waiting-for-login', queued: count, message: text },
            text,
            sink,
          );
          after();
        },
        retrying(payment, reason) {
          const next = new Date(payment.nextAttemptAt).toISOString();
          sink.err(
            `strife: payment ${payment.key} to ${payment.to} of ${formatAmount(payment.amount)} not sent (${reason}); attempt ${payment.attempts}, next at ${next}\n`,
          );
        },
        failed(message) {
          sink.err(`strife: retrier: ${message}\n`);
        },
      },
    },
    backoff,
  );
  retrier.start();
  return {
    address: gateway.address,
    async stop() {
      await retrier.stop();
      gateway.close();
    },
  };
}
