import fc from 'fast-check';
import {
  assertDeposit,
  assertPaymentAmount,
  formatAmount,
  INT64_MAX,
  MAX_BALANCE,
  parseAmount,
} from '../src';

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

describe('assertPaymentAmount and assertDeposit', () => {
  it('admit 1..MAX_BALANCE for a payment and 0..MAX_BALANCE for a deposit, naming the field', () => {
    expect(() => assertPaymentAmount(1n)).not.toThrow();
    expect(() => assertPaymentAmount(MAX_BALANCE)).not.toThrow();
    expect(() => assertPaymentAmount(0n)).toThrow('amount: must be greater than zero');
    expect(() => assertPaymentAmount(-1n)).toThrow('amount: must be greater than zero');
    expect(() => assertPaymentAmount(MAX_BALANCE + 1n)).toThrow(
      'amount: must be at most 10000000000000.00',
    );
    expect(() => assertPaymentAmount(INT64_MAX + 1n, 'to_pay')).toThrow('to_pay: must be at most');
    expect(() => assertDeposit(0n)).not.toThrow();
    expect(() => assertDeposit(MAX_BALANCE)).not.toThrow();
    expect(() => assertDeposit(-1n)).toThrow('initial_deposit: must be between 0.00 and');
    expect(() => assertDeposit(MAX_BALANCE + 1n)).toThrow('initial_deposit: must be between');
  });
});

describe('MAX_BALANCE', () => {
  it('is 10^15 minor units, far enough below int64 that a balance plus a reservation fits', () => {
    expect(MAX_BALANCE).toBe(10n ** 15n);
    expect(MAX_BALANCE * 2n).toBeLessThan(INT64_MAX);
  });
});
