import { formatAmount, MAX_BALANCE, type Vote, type VoteNoReason } from '@strife/domain';
import type { AccountRow } from './rows';
import { type LegInput, sidesOf } from './sides';
import type { Statements } from './statements';
import { fitsInt64 } from './validate';

export type NoVote = Extract<Vote, { vote: 'NO' }>;

export function no(reason: VoteNoReason, detail: string): NoVote {
  return { vote: 'NO', reason, detail };
}

/**
 * Why a new leg must be refused, or `undefined` to vote YES. A YES is a promise that Commit will
 * succeed, so everything Commit needs is checked here against the money already promised: the
 * payer's available balance counts its holds, and the payee's balance plus what is already on
 * its way (`incoming`) must stay within MAX_BALANCE.
 */
export function refusalOf(s: Statements, leg: LegInput): NoVote | undefined {
  const { amount } = leg;
  if (amount <= 0n || amount > MAX_BALANCE) {
    const shown = fitsInt64(amount) ? `${amount} minor units` : 'past int64';
    return no(
      'INVALID_AMOUNT',
      `amount ${shown} is not in 1..${MAX_BALANCE} minor units (MAX_BALANCE, ` +
        `${formatAmount(MAX_BALANCE)}, the most one account may hold)`,
    );
  }
  const { payer, payee } = sidesOf(leg);
  if (payer !== undefined && payer === payee) {
    return no(
      'INVALID_AMOUNT',
      `a transfer moves money between two accounts, but ${payer} is both payer and payee`,
    );
  }
  // Name the side only when a leg has two, so a debit's or credit's detail stays short.
  const role = (side: string): string => (leg.kind === 'transfer' ? ` (the ${side})` : '');
  const from = payer === undefined ? undefined : s.getAccount.get({ accountNo: payer });
  const to = payee === undefined ? undefined : s.getAccount.get({ accountNo: payee });
  if (payer !== undefined && from === undefined) {
    return no('UNKNOWN_ACCOUNT', `no account ${payer}${role('payer')}`);
  }
  if (payee !== undefined && to === undefined) {
    return no('UNKNOWN_ACCOUNT', `no account ${payee}${role('payee')}`);
  }
  if (from !== undefined && from.open !== 1n) {
    return no('ACCOUNT_CLOSED', `account ${from.account_no}${role('payer')} is closed`);
  }
  if (to !== undefined && to.open !== 1n) {
    return no('ACCOUNT_CLOSED', `account ${to.account_no}${role('payee')} is closed`);
  }
  if (from !== undefined) {
    const available = from.balance - from.held;
    if (available < amount) {
      return no(
        'INSUFFICIENT_FUNDS',
        `account ${from.account_no} has ${formatAmount(available)} available, ${formatAmount(amount)} requested`,
      );
    }
  }
  return to === undefined ? undefined : overTheBound(to, amount, role('payee'));
}

/** A NO if crediting `amount` could take the payee past MAX_BALANCE once every credit lands. */
function overTheBound(to: AccountRow, amount: bigint, role: string): NoVote | undefined {
  if (to.balance + to.incoming + amount <= MAX_BALANCE) return undefined;
  return no(
    'INVALID_AMOUNT',
    `crediting ${formatAmount(amount)} could take account ${to.account_no}${role} past ` +
      `${formatAmount(MAX_BALANCE)} (MAX_BALANCE): it holds ${formatAmount(to.balance)} ` +
      `with ${formatAmount(to.incoming)} more already promised to it`,
  );
}
