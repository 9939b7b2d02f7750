import { Internal, type LegKind } from '@strife/domain';

/** A leg as the participant log stores it, whatever its kind. */
export interface LegInput {
  readonly kind: LegKind;
  readonly txid: bigint;
  /** The account the leg is at; for a transfer, the payer. */
  readonly accountNo: string;
  /** A transfer's payee; null for a debit or a credit. */
  readonly toAccountNo: string | null;
  readonly amount: bigint;
}

/**
 * The accounts a leg touches: the payer, whose money is held at Prepare and leaves at Commit,
 * and the payee, for whom it is reserved (`incoming`) at Prepare and arrives at Commit. A debit
 * has only a payer, a credit only a payee, a transfer both — so every rule about money is
 * written once, per side, for all three kinds.
 */
export interface Sides {
  readonly payer: string | undefined;
  readonly payee: string | undefined;
}

export function sidesOf(leg: Pick<LegInput, 'kind' | 'accountNo' | 'toAccountNo'>): Sides {
  switch (leg.kind) {
    case 'debit':
      return { payer: leg.accountNo, payee: undefined };
    case 'credit':
      return { payer: undefined, payee: leg.accountNo };
    case 'transfer':
      if (leg.toAccountNo === null)
        throw new Internal(`a transfer from ${leg.accountNo} has no payee`);
      return { payer: leg.accountNo, payee: leg.toAccountNo };
  }
}
