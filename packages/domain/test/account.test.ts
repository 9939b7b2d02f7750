import { assertAccountNo, formatAccountAddress, parseAccountAddress } from '../src';

describe('parseAccountAddress', () => {
  it('reads BANK:ACCOUNT_NO and formats it back', () => {
    const address = parseAccountAddress('SBI:2001');
    expect(address).toEqual({ bank: 'SBI', accountNo: '2001' });
    expect(formatAccountAddress(address)).toBe('SBI:2001');
  });

  it.each([
    ['SBI', /is not an account like SBI:2001/],
    ['SBI:2001:3', /is not an account like SBI:2001/],
    ['sbi:2001', /"sbi" is not a bank name/],
    [':2001', /"" is not a bank name/],
    ['SBI:', /"" is not an account number/],
    ['SBI:20a1', /"20a1" is not an account number/],
    ['SBI:123456789012345678901', /is not an account number/],
  ])('refuses %j', (text, message) => {
    expect(() => parseAccountAddress(text, 'to')).toThrow(message);
    expect(() => parseAccountAddress(text, 'to')).toThrow(/^to: /);
  });
});

describe('assertAccountNo', () => {
  it('accepts 1 to 20 digits', () => {
    expect(() => assertAccountNo('1')).not.toThrow();
    expect(() => assertAccountNo('9'.repeat(20))).not.toThrow();
  });

  it('names the field and quotes only a short prefix of what it refuses', () => {
    expect(() => assertAccountNo('x'.repeat(1_000_000), 'to')).toThrow(
      /^to: "x{40}"… \(1000000 characters\) is not an account number \(1-20 digits\)$/,
    );
    expect(() => assertAccountNo('SBI:1')).toThrow(/^account_no: "SBI:1" is not/);
  });
});
