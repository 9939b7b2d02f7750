import {
  assertAccountNo as assertAccountNumber,
  formatAmount,
  INT64_MAX,
  InvalidArgument,
  LEG_KINDS,
  type LegKind,
  MAX_BALANCE,
  quote,
} from '@strife/domain';

/** Longest request id or holder name the ledger stores. */
const MAX_TEXT = 200;

// The checks take `unknown` because the ledger is also driven from plain JavaScript and from
// decoded wire messages; the types alone do not keep a number out of a bigint parameter. Error
// messages never repeat more than a short prefix of what they refuse (`quote`).

/** Throws `InvalidArgument(field)` unless `txid` is a bigint in 1..INT64_MAX (stored as int64). */
export function assertTxid(txid: unknown, field = 'txid'): asserts txid is bigint {
  if (typeof txid !== 'bigint' || txid <= 0n || txid > INT64_MAX) {
    throw new InvalidArgument(field, `must be a bigint in 1..${INT64_MAX}`);
  }
}

/** Throws `InvalidArgument(field)` unless `leg` is `debit`, `credit` or `transfer`. */
export function assertLeg(leg: unknown, field = 'leg'): asserts leg is LegKind {
  if (typeof leg !== 'string' || !(LEG_KINDS as readonly string[]).includes(leg)) {
    const shown = typeof leg === 'string' ? quote(leg) : typeof leg;
    throw new InvalidArgument(field, `${shown} is not ${LEG_KINDS.join(', ')}`);
  }
}

/** Throws `InvalidArgument(field)` unless `accountNo` is 1 to 20 digits. */
export function assertAccountNo(
  accountNo: unknown,
  field = 'accountNo',
): asserts accountNo is string {
  if (typeof accountNo !== 'string') throw new InvalidArgument(field, 'must be a string');
  assertAccountNumber(accountNo, field);
}

/** Throws `InvalidArgument(field)` unless `value` is a bigint (of any size). */
export function assertBigint(value: unknown, field: string): asserts value is bigint {
  if (typeof value !== 'bigint') throw new InvalidArgument(field, 'must be a bigint');
}

/**
 * Throws `InvalidArgument(field)` unless `amount` is a bigint in 0..MAX_BALANCE: what a deposit
 * or a seeded balance may be, since no account may ever hold more.
 */
export function assertDeposit(amount: unknown, field: string): asserts amount is bigint {
  if (typeof amount !== 'bigint' || amount < 0n) {
    throw new InvalidArgument(field, 'must be a bigint of at least 0 minor units');
  }
  if (amount > MAX_BALANCE) {
    throw new InvalidArgument(
      field,
      `must be at most ${MAX_BALANCE} minor units (${formatAmount(MAX_BALANCE)}), ` +
        'the most one account may hold (MAX_BALANCE)',
    );
  }
}

/** Returns `text` trimmed; throws `InvalidArgument(field)` if that is empty or too long. */
export function requireText(text: unknown, field: string): string {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  if (trimmed.length === 0) throw new InvalidArgument(field, 'must not be empty');
  if (trimmed.length > MAX_TEXT) {
    throw new InvalidArgument(field, `must be at most ${MAX_TEXT} characters`);
  }
  // SQLite's length() stops at a NUL, and no name needs a control character.
  if (/\p{Cc}/u.test(trimmed))
    throw new InvalidArgument(field, 'must not contain control characters');
  return trimmed;
}

/** Whether `amount` fits a signed 64-bit SQLite INTEGER. */
export function fitsInt64(amount: bigint): boolean {
  return amount >= -INT64_MAX - 1n && amount <= INT64_MAX;
}

/** The log key of a leg: `<txid>-debit`, `<txid>-credit` or `<txid>-transfer`. */
export function legKey(txid: bigint, leg: LegKind): string {
  return `${txid}-${leg}`;
}
