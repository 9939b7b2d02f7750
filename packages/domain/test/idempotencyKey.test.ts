import { assertIdempotencyKey } from '../src';

describe('assertIdempotencyKey', () => {
  it('accepts 1 to 255 printable ASCII characters and names the field otherwise', () => {
    expect(() => assertIdempotencyKey('0190f5c2-7a1b-7c3d-8e4f-a1b2c3d4e5f6')).not.toThrow();
    expect(() => assertIdempotencyKey('k'.repeat(255))).not.toThrow();
    expect(() => assertIdempotencyKey('')).toThrow('idempotency_key: must be 1 to 255 characters');
    expect(() => assertIdempotencyKey('k'.repeat(256), 'key')).toThrow('key: must be 1 to 255');
    expect(() => assertIdempotencyKey('tab\there')).toThrow(
      'must be printable ASCII without spaces',
    );
    expect(() => assertIdempotencyKey('ключ')).toThrow('must be printable ASCII without spaces');
  });
});
