export {
  IdempotencyKeys,
  type Claim,
  type Codec,
  type IdempotencyKeysOptions,
} from './idempotencyKeys';
export type { IdempotencyStore } from './store';
export { SqliteIdempotencyStore } from './sqliteStore';
export type { Fingerprint, KeyRecord, KeyState } from './record';
