export {
  IdempotencyKeys,
  type Claim,
  type Fingerprint,
  type IdempotencyKeysOptions,
  type Stored,
  type Timer,
} from './idempotencyKeys';
