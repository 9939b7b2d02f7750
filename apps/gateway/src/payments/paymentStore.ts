import type { Leg } from '@strife/coordinator';
import type { PaymentRecord } from './payment';

/** A new payment: its key, its txid and the legs INITIATED for it, written in one transaction. */
export interface PaymentClaim {
  readonly username: string;
  readonly key: string;
  readonly txid: bigint;
  readonly from: string;
  readonly to: string;
  readonly amount: bigint;
  readonly createdAt: Date;
  readonly legs: readonly Leg[];
}

/**
 * Payments, keyed by (user, idempotency key): each row is both the key's record and the payment
 * in the user's history. Its outcome is written by the decision log in the same transaction as
 * the decision, so a payment reads as decided exactly when its decision is durable, on every
 * gateway instance.
 */
export interface PaymentStore {
  /**
   * The payment `username` made with `key`; `EXPIRED` if its record was pruned after the
   * retention period (the key must not be reused).
   */
  find(username: string, key: string): Promise<PaymentRecord | 'EXPIRED' | undefined>;
  /**
   * Records the payment as PENDING and its transaction as INITIATED (leased to this instance),
   * in one transaction, unless the key is taken: false then, and nothing is written.
   */
  claim(claim: PaymentClaim): Promise<boolean>;
  /** `username`'s payments newest first; `beforeTxid` continues a previous page. */
  list(username: string, limit: number, beforeTxid: bigint | undefined): Promise<PaymentRecord[]>;
  /**
   * Prunes up to `limit` payments decided before `before` whose transaction is finished at every
   * bank, with their decision-log records, leaving a tombstone of each key. Returns how many.
   */
  prune(before: number, limit: number): Promise<number>;
}
