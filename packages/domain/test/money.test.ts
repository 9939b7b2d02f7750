import fc from 'fast-check';
import { assertPositiveAmount, formatAmount, INT64_MAX, parseAmount } from '../src';

describe('parseAmount', () => {
  it.each([
    ['0', 0n],
    ['100', 10000n],
    ['100.5', 10050n],
    ['100.50', 10050n],
    ['0.01', 1n],
    ['92233720368547758.07', INT64_MAX],
  ])('reads %s as %s minor units', (text, minor) => {
    expect(parseAmount(text)).toBe(minor);
  });

  it.each([
    '',
    '-1',
    '+1',
    '1e3',
    ' 1',
    '1 ',
    '1.',
    '.5',
    '1.005',
    '1,000',
    'abc',
    '0x10',
    '92233720368547758.08',
  ])('refuses %j naming the field', (text) => {
    expect(() => parseAmount(text, 'initial')).toThrow(/^initial: /);
  });

  it('round-trips every int64 amount through formatAmount', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: INT64_MAX }), (minor) => {
        expect(parseAmount(formatAmount(minor))).toBe(minor);
      }),
    );
  });
});

describe('formatAmount', () => {
  it('always prints two fraction digits and a sign for negatives', () => {
    expect(formatAmount(0n)).toBe('0.00');
    expect(formatAmount(5n)).toBe('0.05');
    expect(formatAmount(10050n)).toBe('100.50');
    expect(formatAmount(-5n)).toBe('-0.05');
  });
});

describe('assertPositiveAmount', () => {
  it('accepts 1..INT64_MAX and refuses zero, negatives and overflow', () => {
    expect(() => assertPositiveAmount(1n)).not.toThrow();
    expect(() => assertPositiveAmount(INT64_MAX)).not.toThrow();
    expect(() => assertPositiveAmount(0n)).toThrow('amount: must be greater than zero');
    expect(() => assertPositiveAmount(-1n)).toThrow('amount: must be greater than zero');
    expect(() => assertPositiveAmount(INT64_MAX + 1n)).toThrow('amount: is larger than int64');
  });
});
