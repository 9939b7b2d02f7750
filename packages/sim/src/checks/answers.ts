import type { PaymentRecord } from 'gateway/dist/payments/payment';
import type { Monitor } from '../world/context';

/** One payment request as a client means it: the same key is retried with the same fields. */
export interface Intent {
  readonly username: string;
  readonly key: string;
  readonly to: string;
  readonly amount: bigint;
}

/** The fields of a payment that every answer for its key must repeat exactly. */
function same(a: PaymentRecord, b: PaymentRecord): string | undefined {
  if (a.txid !== b.txid) return `txid ${a.txid} then ${b.txid}`;
  if (a.status !== b.status) return `status ${a.status} then ${b.status}`;
  if (a.abortReason !== b.abortReason) return `reason ${a.abortReason} then ${b.abortReason}`;
  if (a.reason !== b.reason) return `reason text "${a.reason}" then "${b.reason}"`;
  if (a.amount !== b.amount || a.to !== b.to || a.from !== b.from) return 'payment fields';
  if (a.createdAt.getTime() !== b.createdAt.getTime()) return 'createdAt';
  return undefined;
}

/**
 * Every answer clients got, by (user, key), checked as it arrives: all answers for a key are the
 * same payment, whichever instance gave them and however often it was retried, and it is the
 * payment that was asked for. A key refused as reused must, by the end, be a different payment.
 */
export class Answers {
  /** The first answer per `user\0key`. */
  readonly first = new Map<string, PaymentRecord>();
  /** Keys refused as reused, with what that request asked for. */
  readonly reused: Intent[] = [];
  /** Which key each txid was answered for. */
  private readonly keyOfTxid = new Map<bigint, string>();

  constructor(private readonly monitor: Monitor) {}

  payment(intent: Intent, payment: PaymentRecord, via: string): void {
    const id = `${intent.username}\u0000${intent.key}`;
    // Trace tags are built only for a violation.
    const tags = () => [`key:${intent.key}`, `tx:${payment.txid}`, via];
    if (
      payment.key !== intent.key ||
      payment.amount !== intent.amount ||
      payment.to !== intent.to
    ) {
      this.monitor.violation(
        'one-payment-per-key',
        `key ${intent.key} asked for ${intent.amount} to ${intent.to}, answered with ` +
          `${payment.amount} to ${payment.to} (key ${payment.key})`,
        tags(),
      );
    }
    if (payment.status !== 'COMMITTED' && payment.status !== 'ABORTED') {
      this.monitor.violation(
        'identical-answers',
        `key ${intent.key} answered ${payment.status}`,
        tags(),
      );
    }
    const owner = this.keyOfTxid.get(payment.txid);
    if (owner !== undefined && owner !== id) {
      this.monitor.violation(
        'one-payment-per-key',
        `tx ${payment.txid} answered for two keys`,
        tags(),
      );
    }
    this.keyOfTxid.set(payment.txid, id);
    const first = this.first.get(id);
    if (first === undefined) {
      this.first.set(id, payment);
      return;
    }
    const differs = same(first, payment);
    if (differs !== undefined) {
      this.monitor.violation(
        'identical-answers',
        `key ${intent.key} answered differently (${differs}), last via ${via}`,
        [...tags(), `tx:${first.txid}`],
      );
    }
  }

  refusedAsReused(intent: Intent): void {
    this.reused.push(intent);
  }
}
