import { InvalidArgument } from './errors';
import { quote } from './quote';

/** Largest amount an int64 field can carry, in minor units. */
export const INT64_MAX = 9_223_372_036_854_775_807n;

/**
 * The most money one account may ever hold, and the largest single deposit or leg amount:
 * 10^15 minor units (10 trillion rupees). Far below `INT64_MAX`, so no sum a bank forms
 * (a balance plus the credits reserved for it) can overflow int64 or SQLite's INTEGER. A bank
 * refuses anything past it up front (a NO vote at Prepare, `InvalidArgument` for a deposit or
 * seed row), so that a leg it voted YES on can always be applied.
 */
export const MAX_BALANCE = 1_000_000_000_000_000n;

/** Minor units per major unit (paise per rupee). */
const MINOR_PER_MAJOR = 100n;

const DECIMAL = /^(\d{1,19})(?:\.(\d{1,2}))?$/;

/**
 * Parses a non-negative decimal string with at most two fraction digits ("100", "100.5",
 * "100.50") into minor units. Throws `InvalidArgument` naming `field` for anything else:
 * signs, exponents, spaces, more than two decimals, or a value past int64.
 */
export function parseAmount(text: string, field = 'amount'): bigint {
  const match = DECIMAL.exec(text);
  if (!match) {
    throw new InvalidArgument(field, `${quote(text)} is not an amount like 100 or 100.50`);
  }
  const major = BigInt(match[1] ?? '0');
  const minor = BigInt((match[2] ?? '').padEnd(2, '0'));
  const value = major * MINOR_PER_MAJOR + minor;
  if (value > INT64_MAX) {
    throw new InvalidArgument(field, `${quote(text)} is too large`);
  }
  return value;
}

/** Formats minor units as a decimal string with two fraction digits ("100.50", "-0.05"). */
export function formatAmount(minor: bigint): string {
  const sign = minor < 0n ? '-' : '';
  const abs = minor < 0n ? -minor : minor;
  const fraction = (abs % MINOR_PER_MAJOR).toString().padStart(2, '0');
  return `${sign}${abs / MINOR_PER_MAJOR}.${fraction}`;
}

/** Throws `InvalidArgument` naming `field` unless `amount` is in 1..MAX_BALANCE minor units. */
export function assertPaymentAmount(amount: bigint, field = 'amount'): void {
  if (amount <= 0n) throw new InvalidArgument(field, 'must be greater than zero');
  if (amount > MAX_BALANCE) {
    throw new InvalidArgument(field, `must be at most ${formatAmount(MAX_BALANCE)}`);
  }
}

/** Throws `InvalidArgument` naming `field` unless `amount` is in 0..MAX_BALANCE minor units. */
export function assertDeposit(amount: bigint, field = 'initial_deposit'): void {
  if (amount < 0n || amount > MAX_BALANCE) {
    throw new InvalidArgument(field, `must be between 0.00 and ${formatAmount(MAX_BALANCE)}`);
  }
}
