// Command-line values checked at the edge: each failure is a usage error (exit 2) naming the
// option, raised before anything is queued or sent.
import {
  assertIdempotencyKey,
  BANK_NAME,
  formatAccountAddress,
  InvalidArgument,
  parseAccountAddress,
  parseAmount,
} from '@strife/domain';
import { usageError } from './exitCodes';
import { uuidv7 } from './uuidv7';

/** A decimal amount like `100` or `100.50`, in minor units; zero only when `allowZero`. */
export function amountOption(text: string, option: string, allowZero = false): bigint {
  const amount = edge(() => parseAmount(text, option));
  if (amount === 0n && !allowZero) throw usageError(`${option}: must be greater than zero`);
  return amount;
}

/** An account like `SBI:2001`. */
export function accountOption(text: string, option: string): string {
  return formatAccountAddress(edge(() => parseAccountAddress(text, option)));
}

/** A bank name like `SBI`. */
export function bankOption(text: string, option: string): string {
  if (!BANK_NAME.test(text)) {
    throw usageError(`${option}: "${text}" is not a bank name (upper-case, like SBI)`);
  }
  return text;
}

/** An idempotency key the gateway accepts (1 to 255 printable ASCII); a fresh UUIDv7 when not given. */
export function keyOption(text: string | undefined, option: string): string {
  if (text === undefined) return uuidv7();
  try {
    assertIdempotencyKey(text, option);
  } catch (err) {
    throw usageError(err instanceof Error ? err.message : String(err));
  }
  return text;
}

/** A whole number in `min..max`. */
export function intOption(text: string, option: string, min: number, max: number): number {
  const value = /^\d{1,15}$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) {
    throw usageError(`${option}: "${text}" is not a whole number from ${min} to ${max}`);
  }
  return value;
}

function edge<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof InvalidArgument) throw usageError(err.message);
    throw err;
  }
}
