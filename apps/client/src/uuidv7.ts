import { randomBytes } from 'node:crypto';

const MAX_MS = 2 ** 48 - 1;

/**
 * A fresh UUIDv7 (RFC 9562 §5.7): a 48-bit Unix-millisecond timestamp, version 7, variant
 * `10`, and 74 random bits. Keys made later sort later (to the millisecond), which keeps the
 * gateway's key index and the local queue in time order; they need no coordination, so `pay`
 * can make one offline.
 * @param now milliseconds since the epoch; default `Date.now()`.
 * @param random 10 random bytes; default from `node:crypto`.
 */
export function uuidv7(now: number = Date.now(), random: Buffer = randomBytes(10)): string {
  if (!Number.isInteger(now) || now < 0 || now > MAX_MS) {
    throw new RangeError(`uuidv7: timestamp ${now} is outside 0..2^48-1`);
  }
  if (random.length !== 10) throw new RangeError('uuidv7: needs exactly 10 random bytes');
  const bytes = Buffer.alloc(16);
  bytes.writeUIntBE(now, 0, 6);
  random.copy(bytes, 6);
  bytes.writeUInt8(0x70 | (bytes.readUInt8(6) & 0x0f), 6);
  bytes.writeUInt8(0x80 | (bytes.readUInt8(8) & 0x3f), 8);
  const hex = bytes.toString('hex');
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    hex.slice(12, 16),
    hex.slice(16, 20),
    hex.slice(20),
  ].join('-');
}
