import { uuidv7 } from '../src/uuidv7';

const FORMAT = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidv7', () => {
  it('has the RFC 9562 layout: version 7, variant 10', () => {
    for (let i = 0; i < 200; i++) expect(uuidv7()).toMatch(FORMAT);
    expect(uuidv7(0, Buffer.alloc(10, 0xff))).toBe('00000000-0000-7fff-bfff-ffffffffffff');
    expect(uuidv7(0, Buffer.alloc(10, 0))).toBe('00000000-0000-7000-8000-000000000000');
  });

  it('carries the millisecond timestamp in its first 48 bits', () => {
    const now = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
    const hex = uuidv7(now).replace(/-/g, '').slice(0, 12);
    expect(parseInt(hex, 16)).toBe(now);
  });

  it('sorts later keys after earlier ones, whatever the random bits', () => {
    const keys = [1, 2, 1000, 2 ** 40, 2 ** 48 - 1].map((ms, i) =>
      uuidv7(ms, Buffer.alloc(10, i % 2 === 0 ? 0xff : 0)),
    );
    expect([...keys].sort()).toEqual(keys);
    const many = Array.from({ length: 50 }, (_, i) => uuidv7(1_700_000_000_000 + i));
    expect([...many].sort()).toEqual(many);
  });

  it('is unique within one millisecond', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => uuidv7(1_700_000_000_000)));
    expect(keys.size).toBe(1000);
  });

  it('refuses timestamps that do not fit 48 bits', () => {
    expect(() => uuidv7(-1)).toThrow(RangeError);
    expect(() => uuidv7(2 ** 48)).toThrow(RangeError);
    expect(() => uuidv7(1.5)).toThrow(RangeError);
  });
});
