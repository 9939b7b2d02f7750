import type { AbortReason, PaymentStatus } from '@strife/domain';

/** A payment as the gateway records it and answers with it: the same for every replay. */
export interface PaymentRecord {
  readonly key: string;
  readonly txid: bigint;
  readonly status: PaymentStatus;
  /** Set exactly when `status` is ABORTED. */
  readonly abortReason: AbortReason | undefined;
  /** Human-readable reason for an abort; empty otherwise. */
  readonly reason: string;
  /** `BANK:NO` of the payer and the payee. */
  readonly from: string;
  readonly to: string;
  readonly amount: bigint;
  /** When the key was claimed. */
  readonly createdAt: Date;
}
