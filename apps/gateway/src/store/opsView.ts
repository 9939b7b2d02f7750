import type { AbortCause, Decision, LogState } from '@strife/coordinator';
import type { PaymentRecord } from '../payments/payment';

/** A transaction not yet DONE, as an operator sees it. */
export interface OpenTransaction {
  readonly txid: bigint;
  readonly state: LogState;
  /** The instance holding its lease (`gw1`), or undefined when none does. */
  readonly owner: string | undefined;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
}

export interface RecentDecision {
  readonly txid: bigint;
  readonly decision: Decision;
  readonly cause: AbortCause | undefined;
  readonly decidedAt: number;
}

/**
 * Read-only queries for the operator's API (OpsService): what is in flight and with whom, what
 * was decided lately, whose payment a txid is. Never used on a payment's path.
 */
export interface OpsView {
  /** Transactions not DONE, oldest first. */
  openTransactions(limit: number): Promise<OpenTransaction[]>;
  /** The latest decisions, newest first. */
  recentDecisions(limit: number): Promise<RecentDecision[]>;
  /** The payment behind `txid` and its payer's username, while it is kept. */
  paymentByTxid(txid: bigint): Promise<{ username: string; payment: PaymentRecord } | undefined>;
  /**
   * Up to `limit` payers who used idempotency key `key` (keys are scoped to their user). A full
   * scan: for the operator's lookup by key alone, never on a payment's path.
   */
  payersOfKey(key: string, limit: number): Promise<string[]>;
  /** The instance holding the lease on `txid`, if any. */
  ownerOf(txid: bigint): Promise<string | undefined>;
}
