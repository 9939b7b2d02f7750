import { AbortReason, type Payment, PaymentStatus } from '@strife/protocol';

/** A payment as the gateway records and returns it. */
export interface PaymentRecord {
  readonly key: string;
  readonly txid: bigint;
  readonly status: 'COMMITTED' | 'ABORTED' | 'PENDING';
  /** The AbortReason name without its prefix, e.g. `INSUFFICIENT_FUNDS`; undefined unless aborted. */
  readonly abortReason: AbortReasonName | undefined;
  /** Human-readable reason for an abort; empty otherwise. */
  readonly reason: string;
  readonly from: string;
  readonly to: string;
  readonly amount: bigint;
  readonly createdAt: Date;
}

export type AbortReasonName =
  | 'INSUFFICIENT_FUNDS'
  | 'UNKNOWN_ACCOUNT'
  | 'BANK_UNAVAILABLE'
  | 'TIMEOUT'
  | 'INVALID_AMOUNT'
  | 'ACCOUNT_CLOSED'
  | 'INTERRUPTED';

const STATUS: Record<PaymentRecord['status'], PaymentStatus> = {
  COMMITTED: PaymentStatus.PAYMENT_STATUS_COMMITTED,
  ABORTED: PaymentStatus.PAYMENT_STATUS_ABORTED,
  PENDING: PaymentStatus.PAYMENT_STATUS_PENDING,
};

const REASON: Record<AbortReasonName, AbortReason> = {
  INSUFFICIENT_FUNDS: AbortReason.ABORT_REASON_INSUFFICIENT_FUNDS,
  UNKNOWN_ACCOUNT: AbortReason.ABORT_REASON_UNKNOWN_ACCOUNT,
  BANK_UNAVAILABLE: AbortReason.ABORT_REASON_BANK_UNAVAILABLE,
  TIMEOUT: AbortReason.ABORT_REASON_TIMEOUT,
  INVALID_AMOUNT: AbortReason.ABORT_REASON_INVALID_AMOUNT,
  ACCOUNT_CLOSED: AbortReason.ABORT_REASON_ACCOUNT_CLOSED,
  INTERRUPTED: AbortReason.ABORT_REASON_INTERRUPTED,
};

export function paymentToWire(p: PaymentRecord): Payment {
  return {
    idempotencyKey: p.key,
    txid: p.txid,
    status: STATUS[p.status],
    abortReason: p.abortReason ? REASON[p.abortReason] : AbortReason.ABORT_REASON_UNSPECIFIED,
    reason: p.reason,
    from: p.from,
    to: p.to,
    amount: p.amount,
    createdAt: p.createdAt,
  };
}

/** Stored outcomes travel through the idempotency store as JSON (bigints as strings). */
export const paymentCodec = {
  encode(p: PaymentRecord): string {
    return JSON.stringify({
      ...p,
      txid: p.txid.toString(),
      amount: p.amount.toString(),
      createdAt: p.createdAt.getTime(),
    });
  },
  decode(text: string): PaymentRecord {
    const raw = JSON.parse(text) as Omit<PaymentRecord, 'txid' | 'amount' | 'createdAt'> & {
      txid: string;
      amount: string;
      createdAt: number;
    };
    return {
      ...raw,
      txid: BigInt(raw.txid),
      amount: BigInt(raw.amount),
      createdAt: new Date(raw.createdAt),
    };
  },
};
