import type { LegKind } from '@strife/domain';

/** One bank's totals and PREPARED legs, as its GetStatus gave them on this pass. */
export interface BankBooks {
  readonly name: string;
  readonly balance: bigint;
  readonly accounts: number;
  /** How many legs are PREPARED in all. */
  readonly preparedCount: number;
  /** The PREPARED legs listed (a bank lists at most 200). */
  readonly prepared: readonly {
    readonly txid: bigint;
    readonly leg: LegKind;
    readonly amount: bigint;
  }[];
}

/** The gateways' decision log on this pass: each open transaction's state. */
export interface OpenDecisions {
  readonly states: ReadonlyMap<bigint, string>;
  /** The gateway listed as many as it lists at most: a txid missing from it may still be open. */
  readonly truncated: boolean;
}

/** The money in the books on one pass, or why it cannot be counted. */
export type BooksReading =
  | {
      readonly known: true;
      readonly balances: bigint;
      readonly inFlight: bigint;
      readonly accounts: number;
    }
  | { readonly known: false; readonly reason: string };

/**
 * Counts the money on one pass: every bank's balances plus the committed money in flight.
 *
 * A payment's legs commit one bank at a time, so between the two commits the sum of balances is
 * short (debit applied, credit not yet) or over (the reverse) by the amount. Those legs are
 * PREPARED at one bank while the decision log says COMMIT; a PREPARED credit of a committed
 * transaction adds its amount (money on its way in), a PREPARED debit subtracts it (money still
 * to leave). A PREPARED leg of an undecided or aborted transaction never moves a balance, and a
 * transfer moves money inside one bank atomically: neither counts.
 *
 * The money cannot be counted while a bank does not answer, or while legs are PREPARED and no
 * gateway says what was decided, or the lists are cut short (more than 200 in flight).
 * @param banks each bank's books, or the reason it could not be read.
 * @param decisions the open transactions, or undefined when no gateway answered.
 */
export function countMoney(
  banks: readonly (BankBooks | { readonly name: string; readonly error: string })[],
  decisions: OpenDecisions | undefined,
): BooksReading {
  let balances = 0n;
  let inFlight = 0n;
  let accounts = 0;
  for (const bank of banks) {
    if ('error' in bank) return { known: false, reason: `bank ${bank.name} is unreachable` };
    if (bank.preparedCount > bank.prepared.length) {
      return {
        known: false,
        reason: `bank ${bank.name} has ${bank.preparedCount} PREPARED legs, more than it lists`,
      };
    }
    balances += bank.balance;
    accounts += bank.accounts;
    for (const leg of bank.prepared) {
      if (leg.leg === 'transfer') continue;
      if (decisions === undefined) {
        return { known: false, reason: 'legs are PREPARED and no gateway says what was decided' };
      }
      const state = decisions.states.get(leg.txid);
      if (state === undefined && decisions.truncated) {
        return { known: false, reason: 'more transactions are open than the gateway lists' };
      }
      if (state === 'COMMIT') inFlight += leg.leg === 'credit' ? leg.amount : -leg.amount;
    }
  }
  return { known: true, balances, inFlight, accounts };
}
