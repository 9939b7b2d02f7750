/**
 * The vocabulary of a payment, one type per idea from the bank's vote to the CLI: the wire
 * enums map to and from these in exactly one place (`@strife/protocol`'s `wire.ts`).
 */

/** Which part of a payment a leg is at its bank: money leaves, money arrives, or both at once. */
export const LEG_KINDS = ['debit', 'credit', 'transfer'] as const;
export type LegKind = (typeof LEG_KINDS)[number];

/** A leg's place in two-phase commit. */
export const LEG_STATES = ['PREPARED', 'COMMITTED', 'ABORTED'] as const;
export type LegState = (typeof LEG_STATES)[number];

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

/**
 * A participant's answer to Prepare. YES means PREPARED (and its hold or reservation) is durable;
 * NO carries a typed reason and a human-readable detail.
 */
export type Vote =
  | { readonly vote: 'YES' }
  | { readonly vote: 'NO'; readonly reason: VoteNoReason; readonly detail: string };

/**
 * Most leg operations (Prepare, Commit, Abort) one `ApplyLegs` request may carry. A bank refuses
 * a longer request whole (`InvalidArgument` on `operations`); a sender splits its batches here.
 */
export const MAX_LEG_OPERATIONS = 4096;

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
