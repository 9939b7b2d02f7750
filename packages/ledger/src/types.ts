/** Which side of a payment a leg is. A bank keys its log by `<txid>-debit` / `<txid>-credit`. */
export type LegName = 'debit' | 'credit';

/** A leg's place in two-phase commit. */
export type LegState = 'PREPARED' | 'COMMITTED' | 'ABORTED';

/** Why a participant voted NO; mirrors the wire enum `VoteNoReason`. */
export type VoteNoReason =
  | 'INSUFFICIENT_FUNDS'
  | 'UNKNOWN_ACCOUNT'
  | 'INVALID_AMOUNT'
  | 'ACCOUNT_CLOSED'
  | 'ALREADY_ABORTED';

/** A participant's answer to Prepare. A NO carries a typed reason and a human-readable detail. */
export type Vote =
  | { readonly vote: 'YES' }
  | { readonly vote: 'NO'; readonly reason: VoteNoReason; readonly detail: string };

/** An account as callers see it. Money is in minor units (paise). */
export interface AccountView {
  readonly accountNo: string;
  readonly holder: string;
  readonly balance: bigint;
  /** Sum of the amounts of this account's PREPARED debit legs. */
  readonly held: bigint;
  /** `balance - held`: what a new debit may take. */
  readonly available: bigint;
  readonly open: boolean;
}

/** One line of the participant log. */
export interface LegRecord {
  /** `<txid>-debit` or `<txid>-credit`. */
  readonly key: string;
  readonly txid: bigint;
  readonly leg: LegName;
  readonly accountNo: string;
  readonly amount: bigint;
  readonly state: LegState;
  /** Set when this leg was refused at Prepare (it is then ABORTED). */
  readonly reason?: VoteNoReason;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A Prepare request for one leg. */
export interface LegRequest {
  /** 1..INT64_MAX; otherwise `InvalidArgument('txid')`. */
  readonly txid: bigint;
  /** Digits, as `ACCOUNT_NO` in `@strife/domain`; otherwise `InvalidArgument('accountNo')`. */
  readonly accountNo: string;
  /** Minor units; outside 1..INT64_MAX is a NO vote (`INVALID_AMOUNT`), not an error. */
  readonly amount: bigint;
}

export interface OpenAccountInput {
  /** Chosen by the caller, 1..200 characters, not trimmed; a repeat returns the same account. */
  readonly requestId: string;
  /** 1..200 characters after trimming; stored trimmed. */
  readonly holder: string;
  /** Minor units, 0..INT64_MAX. */
  readonly initialDeposit: bigint;
}

/** One account of a bank's seed data. */
export interface SeedRow {
  readonly accountNo: string;
  readonly holder: string;
  /** Minor units, 0..INT64_MAX. */
  readonly balance: bigint;
}

export interface TransactionQuery {
  /** Only this account's legs; default: every account. */
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
  readonly accounts: number;
}

export interface LedgerOptions {
  /** Milliseconds since the epoch, for `created_at`/`updated_at` and `inDoubt`; default `Date.now`. */
  readonly clock?: () => number;
  /** The number `openAccount` gives the first account of empty books; default `1001n`. */
  readonly firstAccountNo?: bigint;
}
