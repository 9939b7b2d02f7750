import type { LegKind, LegState, VoteNoReason } from '@strife/domain';
import type { CommitScheduler } from '@strife/sqlite';

/** An account as callers see it. Money is in minor units (paise). */
export interface AccountView {
  readonly accountNo: string;
  readonly holder: string;
  readonly balance: bigint;
  /** Sum of this account's PREPARED debits and outgoing transfers: money promised away. */
  readonly held: bigint;
  /**
   * Sum of this account's PREPARED credits and incoming transfers: money promised to it, not
   * yet spendable. `balance + incoming` never exceeds `MAX_BALANCE`.
   */
  readonly incoming: bigint;
  /** `balance - held`: what a new debit may take. */
  readonly available: bigint;
  readonly open: boolean;
}

/** One line of the participant log. */
export interface LegRecord {
  /** `<txid>-<leg>`: `<txid>-debit`, `<txid>-credit` or `<txid>-transfer`. */
  readonly key: string;
  readonly txid: bigint;
  readonly leg: LegKind;
  /** The account the leg is at; for a transfer, the payer. */
  readonly accountNo: string;
  /** A transfer's payee; absent for debits and credits. */
  readonly toAccountNo?: string;
  readonly amount: bigint;
  readonly state: LegState;
  /** Set when this leg was refused at Prepare (it is then ABORTED). */
  readonly reason?: VoteNoReason;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A Prepare request for a debit or a credit. */
export interface LegRequest {
  /** 1..INT64_MAX; otherwise `InvalidArgument('txid')`. */
  readonly txid: bigint;
  /** Digits, as `ACCOUNT_NO` in `@strife/domain`; otherwise `InvalidArgument('accountNo')`. */
  readonly accountNo: string;
  /** Minor units; outside 1..MAX_BALANCE is a NO vote (`INVALID_AMOUNT`), not an error. */
  readonly amount: bigint;
}

/** A Prepare request for a transfer between two accounts of this bank (a same-bank payment). */
export interface TransferRequest {
  /** 1..INT64_MAX; otherwise `InvalidArgument('txid')`. */
  readonly txid: bigint;
  /** The payer; digits, otherwise `InvalidArgument('fromAccountNo')`. */
  readonly fromAccountNo: string;
  /** The payee; digits, otherwise `InvalidArgument('toAccountNo')`. */
  readonly toAccountNo: string;
  /** Minor units; outside 1..MAX_BALANCE is a NO vote (`INVALID_AMOUNT`), not an error. */
  readonly amount: bigint;
}

export interface OpenAccountInput {
  /** Chosen by the caller, 1..200 characters, not trimmed; a repeat returns the same account. */
  readonly requestId: string;
  /** 1..200 characters after trimming; stored trimmed. */
  readonly holder: string;
  /** Minor units, 0..MAX_BALANCE. */
  readonly initialDeposit: bigint;
}

/** One account of a bank's seed data. */
export interface SeedRow {
  readonly accountNo: string;
  readonly holder: string;
  /** Minor units, 0..MAX_BALANCE. */
  readonly balance: bigint;
}

export interface TransactionQuery {
  /** Only legs at this account (a transfer counts for its payer and its payee); default all. */
  readonly accountNo?: string;
  /** Page size, 1..1000; default 100. */
  readonly limit?: number;
  /** `nextCursor` from the previous page; default: start at the newest leg. */
  readonly cursor?: string;
}

export interface TransactionPage {
  /** Newest first, in the order legs were first recorded. */
  readonly records: LegRecord[];
  /** Pass back as `cursor` for the next page; `undefined` on the last page. */
  readonly nextCursor: string | undefined;
}

/** Aggregates over every account, for invariant checks. */
export interface LedgerTotals {
  readonly balance: bigint;
  readonly held: bigint;
  readonly incoming: bigint;
  readonly accounts: number;
}

export interface LedgerOptions {
  /** Milliseconds since the epoch, for `created_at`/`updated_at` and `inDoubt`; default `Date.now`. */
  readonly clock?: () => number;
  /** The number `openAccount` gives the first account of empty books; default `1001n`. */
  readonly firstAccountNo?: bigint;
  /**
   * Runs just before each group-committed transaction commits; a throw (e.g. an I/O error)
   * fails the whole batch and nothing of it is applied. For fault injection. Default: none.
   */
  readonly beforeCommit?: () => void;
  /** Told each group-committed batch's size and commit time (metrics). Default: none. */
  readonly onCommit?: (writes: number, seconds: number) => void;
  /** Told each group-committed batch that failed to commit (health). Default: none. */
  readonly onFailure?: (error: unknown) => void;
  /** When group-committed batches (`grouped`) commit. Default: Node's event loop. */
  readonly scheduler?: CommitScheduler;
}
