import { formatAccountAddress, parseAccountAddress } from '../src';

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
