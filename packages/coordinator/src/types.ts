import type { Decision, LegKind } from '@strife/domain';

export type { Decision, LegKind };

/** One participant's part of a transaction. A participant keys it by (txid, kind). */
export interface Leg {
  /** The participant's name, e.g. the bank `SBI`. */
  readonly participant: string;
  /** `debit` or `credit` at one account, or a `transfer` between two accounts of the participant. */
  readonly kind: LegKind;
  /** The account at that participant (the payer's, for a transfer). */
  readonly account: string;
  /** The payee's account at the same participant: set exactly when `kind` is `transfer`. */
  readonly toAccount?: string;
  /** Minor units, > 0. */
  readonly amount: bigint;
}

export interface Transaction {
  /** Unique per transaction, 1 ≤ txid < 2^63. */
  readonly txid: bigint;
  /** At least one leg; at most one leg per (participant, kind). */
  readonly legs: readonly Leg[];
}

/** A participant's answer to Prepare. YES means it has made PREPARED durable. */
export type Vote = { vote: 'YES' } | { vote: 'NO'; reason: string; detail?: string };

/**
 * The coordinator's view of one participant. Every call must be idempotent: the coordinator
 * repeats Commit and Abort until they resolve, and may repeat Prepare.
 */
export interface Participant {
  /** Asks for a vote. `signal` aborts when the coordinator stops waiting (timeout or decision). */
  prepare(txid: bigint, leg: Leg, signal: AbortSignal): Promise<Vote>;
  /** Resolves once the participant has durably committed the leg; a throw means "retry". */
  commit(txid: bigint, leg: Leg, signal: AbortSignal): Promise<void>;
  /** Resolves once the participant has durably aborted the leg; a throw means "retry". */
  abort(txid: bigint, leg: Leg, signal: AbortSignal): Promise<void>;
}

/** Why a transaction was aborted. */
export type AbortCause =
  | { kind: 'VOTED_NO'; participant: string; reason: string; detail?: string }
  | { kind: 'TIMEOUT'; participant: string }
  | { kind: 'UNAVAILABLE'; participant: string; detail: string }
  /** Decided by presumed abort: `resolve` for a transaction without a decision. */
  | { kind: 'PRESUMED' };

export type Outcome =
  { txid: bigint; decision: 'COMMIT' } | { txid: bigint; decision: 'ABORT'; reason: AbortCause };
