import { abortReasonToWire, type Payment, paymentStatusToWire } from '@strife/protocol';
import type { PaymentRecord } from './payment';

/** A payment as `Pay`, `GetPayment` and `ListPayments` answer with it. */
export function paymentToWire(p: PaymentRecord): Payment {
  return {
    idempotencyKey: p.key,
    txid: p.txid,
    status: paymentStatusToWire(p.status),
    abortReason: abortReasonToWire(p.abortReason),
    reason: p.reason,
    from: p.from,
    to: p.to,
    amount: p.amount,
    createdAt: p.createdAt,
  };
}
