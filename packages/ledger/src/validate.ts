import { ACCOUNT_NO, INT64_MAX, InvalidArgument } from '@strife/domain';
import type { LegName } from './types';

/** Longest request id or holder name the ledger stores. */
const MAX_TEXT = 200;

// The checks take `unknown` because the ledger is also driven from plain JavaScript and from
// decoded wire messages; the types alone do not keep a number out of a bigint parameter.

/** Throws `InvalidArgument(field)` unless `txid` is a bigint in 1..INT64_MAX (stored as int64). */
export function assertTxid(txid: unknown, field = 'txid'): asserts txid is bigint {
  if (typeof txid !== 'bigint' || txid <= 0n || txid > INT64_MAX) {
    throw new InvalidArgument(field, `must be a bigint in 1..${INT64_MAX}`);
  }
}

/** Throws `InvalidArgument(field)` unless `leg` is `debit` or `credit`. */
export function assertLeg(leg: unknown, field = 'leg'): asserts leg is LegName {
  if (leg !== 'debit' && leg !== 'credit') {
    throw new InvalidArgument(field, `${JSON.stringify(leg)} is not debit or credit`);
  }
}

/** Throws `InvalidArgument(field)` unless `accountNo` is 1 to 20 digits. */
export function assertAccountNo(
  accountNo: unknown,
  field = 'accountNo',
): asserts accountNo is string {
  if (typeof accountNo !== 'string' || !ACCOUNT_NO.test(accountNo)) {
    throw new InvalidArgument(
      field,
      `${JSON.stringify(accountNo)} is not an account number (1-20 digits)`,
    );
  }
}

/** Throws `InvalidArgument(field)` unless `value` is a bigint (of any size). */
export function assertBigint(value: unknown, field: string): asserts value is bigint {
  if (typeof value !== 'bigint') throw new InvalidArgument(field, 'must be a bigint');
}

/** Throws `InvalidArgument(field)` unless `amount` is a bigint in 0..INT64_MAX. */
export function assertNonNegativeAmount(amount: unknown, field: string): asserts amount is bigint {
  if (typeof amount !== 'bigint' || amount < 0n || amount > INT64_MAX) {
    throw new InvalidArgument(field, `must be a bigint in 0..${INT64_MAX} minor units`);
  }
}

/** Returns `text` trimmed; throws `InvalidArgument(field)` if that is empty or too long. */
export function requireText(text: unknown, field: string): string {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  if (trimmed.length === 0) throw new InvalidArgument(field, 'must not be empty');
  if (trimmed.length > MAX_TEXT) {
    throw new InvalidArgument(field, `must be at most ${MAX_TEXT} characters`);
  }
  return trimmed;
}

/** Whether `amount` fits a signed 64-bit SQLite INTEGER. */
export function fitsInt64(amount: bigint): boolean {
  return amount >= -INT64_MAX - 1n && amount <= INT64_MAX;
}

/** The log key of a leg: `<txid>-debit` or `<txid>-credit`. */
export function legKey(txid: bigint, leg: LegName): string {
  return `${txid}-${leg}`;
}
