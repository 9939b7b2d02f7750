import type Database from 'better-sqlite3';
import { IdempotencyKeyReused, Internal, UnknownAccount } from '@strife/domain';
import type { Now } from './clock';
import { toAccountView } from './rows';
import type { Statements } from './statements';
import type { AccountView, LedgerTotals, OpenAccountInput } from './types';
import { assertAccountNo, assertDeposit, requireText } from './validate';

/** Account numbers are at most 20 digits (`ACCOUNT_NO`). */
const LAST_ACCOUNT_NO = 10n ** 20n - 1n;

/** Opening and reading accounts. Balances move only through the participant log. */
export class AccountBook {
  private readonly openTx: (input: OpenAccountInput, holder: string) => AccountView;

  constructor(
    db: Database.Database,
    private readonly s: Statements,
    private readonly now: Now,
    private readonly firstAccountNo: bigint,
  ) {
    const openTx = db.transaction((input: OpenAccountInput, holder: string) =>
      this.openInTransaction(input, holder),
    );
    this.openTx = (input, holder) => openTx.immediate(input, holder);
  }

  open(input: OpenAccountInput): AccountView {
    // The request id is a key: checked for emptiness and length, but used exactly as given.
    requireText(input.requestId, 'requestId');
    const holder = requireText(input.holder, 'holder');
    assertDeposit(input.initialDeposit, 'initialDeposit');
    return this.openTx(input, holder);
  }

  get(accountNo: string): AccountView {
    assertAccountNo(accountNo);
    const row = this.s.getAccount.get({ accountNo });
    if (row === undefined) throw new UnknownAccount(accountNo);
    return toAccountView(row);
  }

  isEmpty(): boolean {
    return (this.s.countAccounts.get()?.n ?? 0n) === 0n;
  }

  totals(): LedgerTotals {
    const row = this.s.totals.get();
    if (row === undefined) throw new Internal('totals query returned no row');
    return {
      balance: row.balance,
      held: row.held,
      incoming: row.incoming,
      accounts: Number(row.accounts),
    };
  }

  private openInTransaction(input: OpenAccountInput, holder: string): AccountView {
    const earlier = this.s.getRequest.get({ requestId: input.requestId });
    if (earlier !== undefined) {
      const differs = [
        ...(earlier.holder === holder ? [] : ['holder']),
        ...(earlier.initial_deposit === input.initialDeposit ? [] : ['initialDeposit']),
      ];
      if (differs.length > 0) throw new IdempotencyKeyReused(input.requestId, differs);
      return this.get(earlier.account_no);
    }
    const accountNo = this.nextAccountNo();
    const now = this.now();
    this.s.insertAccount.run({ accountNo, holder, balance: input.initialDeposit, now });
    this.s.insertRequest.run({
      requestId: input.requestId,
      accountNo,
      holder,
      initialDeposit: input.initialDeposit,
      now,
    });
    return this.get(accountNo);
  }

  private nextAccountNo(): string {
    const highest = this.s.highestAccountNo.get();
    const next = highest === undefined ? this.firstAccountNo : BigInt(highest.account_no) + 1n;
    if (next > LAST_ACCOUNT_NO) throw new Internal('account numbers are exhausted');
    return next.toString();
  }
}
