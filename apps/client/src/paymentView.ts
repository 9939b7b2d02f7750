import { formatAmount } from '@strife/domain';
import { type Payment, PaymentStatus } from '@strife/protocol';
import { EXIT, type ExitCode } from './exitCodes';
import type { JsonObject, Result } from './output';
import type { Outcome, QueuedPayment } from './queue';

/** `status` as the CLI reports it (DESIGN.md, "Contracts"). */
export type PaymentState = 'COMMITTED' | 'ABORTED' | 'QUEUED' | 'PENDING';

/** A payment as the CLI shows it, from the gateway or from the local queue. */
export interface PaymentView {
  readonly key: string;
  /** Undefined until the gateway assigns one (QUEUED, and PENDING before its txid). */
  readonly txid: bigint | undefined;
  readonly status: PaymentState;
  /** Why it was aborted, or why it is still queued; undefined for a plain success. */
  readonly reason: string | undefined;
  readonly from: string | undefined;
  readonly to: string;
  readonly amount: bigint;
  readonly at: Date | undefined;
}

const WIRE_STATUS: Record<PaymentStatus, PaymentState> = {
  [PaymentStatus.PAYMENT_STATUS_UNSPECIFIED]: 'PENDING',
  [PaymentStatus.PAYMENT_STATUS_PENDING]: 'PENDING',
  [PaymentStatus.PAYMENT_STATUS_COMMITTED]: 'COMMITTED',
  [PaymentStatus.PAYMENT_STATUS_ABORTED]: 'ABORTED',
  [PaymentStatus.UNRECOGNIZED]: 'PENDING',
};

/** The gateway's payment. A txid of 0 is proto3's "not set". */
export function viewOfWire(payment: Payment): PaymentView {
  return {
    key: payment.idempotencyKey,
    txid: payment.txid === 0n ? undefined : payment.txid,
    status: WIRE_STATUS[payment.status],
    reason: payment.reason || undefined,
    from: payment.from || undefined,
    to: payment.to,
    amount: payment.amount,
    at: payment.createdAt,
  };
}

/** A payment that left the local queue with this outcome. */
export function viewOfOutcome(outcome: Outcome): PaymentView {
  return {
    key: outcome.key,
    txid: outcome.txid,
    status: outcome.status,
    reason: outcome.reason || undefined,
    from: undefined,
    to: outcome.to,
    amount: outcome.amount,
    at: new Date(outcome.queuedAt),
  };
}

/** A payment still waiting in the local queue, with why. */
export function viewOfQueued(payment: QueuedPayment, reason: string): PaymentView {
  return {
    key: payment.key,
    txid: undefined,
    status: 'QUEUED',
    reason,
    from: undefined,
    to: payment.to,
    amount: payment.amount,
    at: new Date(payment.queuedAt),
  };
}

/** `{"key","txid","status","reason"?}`: the JSON of `pay` and `status`. */
export function paymentJson(view: PaymentView): JsonObject {
  return {
    key: view.key,
    txid: view.txid === undefined ? null : view.txid.toString(),
    status: view.status,
    reason: view.reason,
  };
}

/** `paymentJson` plus `from`, `to`, `amount` and `at`: one entry of `history`. */
export function historyJson(view: PaymentView): JsonObject {
  return {
    ...paymentJson(view),
    from: view.from,
    to: view.to,
    amount: formatAmount(view.amount),
    at: view.at?.toISOString() ?? null,
  };
}

/** `payment <key> to SBI:2001 of 100.00 COMMITTED (txid 42)`, with the reason if there is one. */
export function paymentLine(view: PaymentView): string {
  const txid = view.txid === undefined ? '' : ` (txid ${view.txid})`;
  const reason = view.reason === undefined ? '' : `: ${view.reason}`;
  return `payment ${view.key} to ${view.to} of ${formatAmount(view.amount)} ${view.status}${txid}${reason}`;
}

/** The exit code a payment command ends with when it reports this status. */
export function exitCodeOf(status: PaymentState): ExitCode {
  switch (status) {
    case 'COMMITTED':
      return EXIT.OK;
    case 'ABORTED':
      return EXIT.DECLINED;
    case 'QUEUED':
      return EXIT.QUEUED;
    case 'PENDING':
      return EXIT.OTHER;
  }
}

/** The result of a command that reports one payment (`pay`, `status`). */
export function paymentResult(view: PaymentView, extra: readonly string[] = []): Result {
  return {
    exitCode: exitCodeOf(view.status),
    json: paymentJson(view),
    text: [paymentLine(view), ...extra],
  };
}
