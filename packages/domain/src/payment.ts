/**
 * The vocabulary of a payment, one type per idea from the bank's vote to the CLI: the wire
 * enums map to and from these in exactly one place (`@strife/protocol`'s `wire.ts`).
 */

/** Which part of a payment a leg is at its bank: money leaves, money arrives, or both at once. */
export type LegKind = 'debit' | 'credit' | 'transfer';

/** A leg's place in two-phase commit. */
export type LegState = 'PREPARED' | 'COMMITTED' | 'ABORTED';

/** The coordinator's decision for a transaction. */
export type Decision = 'COMMIT' | 'ABORT';

/** Why a bank voted NO at Prepare. */
export const VOTE_NO_REASONS = [
  'INSUFFICIENT_FUNDS',
  'UNKNOWN_ACCOUNT',
  'INVALID_AMOUNT',
  'ACCOUNT_CLOSED',
  'ALREADY_ABORTED',
] as const;
export type VoteNoReason = (typeof VOTE_NO_REASONS)[number];

/** Why a payment was aborted, as its payer sees it. */
export const ABORT_REASONS = [
  'INSUFFICIENT_FUNDS',
  'UNKNOWN_ACCOUNT',
  'BANK_UNAVAILABLE',
  'TIMEOUT',
  'INVALID_AMOUNT',
  'ACCOUNT_CLOSED',
  'INTERRUPTED',
] as const;
export type AbortReason = (typeof ABORT_REASONS)[number];

/** A payment's status: decided either way, or still running. */
export type PaymentStatus = 'COMMITTED' | 'ABORTED' | 'PENDING';
