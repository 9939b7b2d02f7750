import { InvalidArgument } from './errors';
import { quote } from './quote';

/** Largest amount an int64 field can carry, in minor units. */
export const INT64_MAX = 9_223_372_036_854_775_807n;

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

/** Throws `InvalidArgument` unless `amount` is in 1..INT64_MAX minor units. */
export function assertPositiveAmount(amount: bigint, field = 'amount'): void {
  if (amount <= 0n) throw new InvalidArgument(field, 'must be greater than zero');
  if (amount > INT64_MAX) throw new InvalidArgument(field, 'is larger than int64');
}
