export {
  IdempotencyKeys,
  type Claim,
  type Fingerprint,
  type IdempotencyKeysOptions,
  type Stored,
} from './idempotencyKeys';
