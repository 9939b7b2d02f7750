import { INT64_MAX, InvalidArgument } from '@strife/domain';

const PREFIX = 'seq:';

/** An opaque page cursor: the position of the last leg a page returned. */
export function encodeCursor(seq: bigint): string {
  return Buffer.from(`${PREFIX}${seq}`).toString('base64url');
}

/** The position inside `cursor`; throws `InvalidArgument('cursor')` for anything not ours. */
export function decodeCursor(cursor: string): bigint {
  const text = Buffer.from(cursor, 'base64url').toString();
  const digits = text.startsWith(PREFIX) ? text.slice(PREFIX.length) : '';
  if (!/^[1-9][0-9]{0,18}$/.test(digits) || BigInt(digits) > INT64_MAX) {
    throw new InvalidArgument('cursor', 'is not a cursor from a previous page');
  }
  return BigInt(digits);
}
