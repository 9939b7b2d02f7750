import type { AccountView, LegRecord as LedgerRecord } from '@strife/ledger';
import { type Account, legKindToWire, type LegRecord, legStateToWire } from '@strife/protocol';

/**
 * Ledger records in their wire form. The enum mappings themselves live in one place,
 * `@strife/protocol`'s `wire.ts`; this file only assembles the bank's messages.
 */

/** An account as `GetAccount` and `OpenAccount` answer it. */
export function accountToWire(account: AccountView): Account {
  return {
    accountNo: account.accountNo,
    holder: account.holder,
    balance: account.balance,
    held: account.held,
    available: account.available,
    open: account.open,
  };
}

/** One line of the leg log as `ListTransactions` answers it; `to_account_no` only on transfers. */
export function legRecordToWire(record: LedgerRecord): LegRecord {
  return {
    txid: record.txid,
    leg: legKindToWire(record.leg),
    accountNo: record.accountNo,
    toAccountNo: record.toAccountNo ?? '',
    amount: record.amount,
    state: legStateToWire(record.state),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
