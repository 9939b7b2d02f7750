import { InvalidArgument } from './errors';
import { quote } from './quote';

/** An account anywhere in the network: `BANK:ACCOUNT_NO`, e.g. `SBI:2001`. */
export interface AccountAddress {
  readonly bank: string;
  readonly accountNo: string;
}

/** Bank names are upper-case letters and digits, starting with a letter. */
export const BANK_NAME = /^[A-Z][A-Z0-9]{0,15}$/;

/** Account numbers are 1 to 20 digits. */
export const ACCOUNT_NO = /^[0-9]{1,20}$/;

/**
 * Throws `InvalidArgument` naming `field` unless `accountNo` is an account number (1 to 20
 * digits); the message quotes at most a short prefix of what was sent.
 */
export function assertAccountNo(accountNo: string, field = 'account_no'): void {
  if (!ACCOUNT_NO.test(accountNo)) {
    throw new InvalidArgument(field, `${quote(accountNo)} is not an account number (1-20 digits)`);
  }
}

/** Parses `BANK:ACCOUNT_NO`; throws `InvalidArgument` naming `field` when malformed. */
export function parseAccountAddress(text: string, field = 'account'): AccountAddress {
  const parts = text.split(':');
  const [bank, accountNo] = parts;
  if (parts.length !== 2 || bank === undefined || accountNo === undefined) {
    throw new InvalidArgument(field, `${quote(text)} is not an account like SBI:2001`);
  }
  if (!BANK_NAME.test(bank)) {
    throw new InvalidArgument(field, `${quote(bank)} is not a bank name (upper-case, like SBI)`);
  }
  assertAccountNo(accountNo, field);
  return { bank, accountNo };
}

export function formatAccountAddress(address: AccountAddress): string {
  return `${address.bank}:${address.accountNo}`;
}
