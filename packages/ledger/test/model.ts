import type { LegName, LegState, Vote, VoteNoReason } from '../src';

/** What one ledger call produced: a vote (without its detail), a state, or an error code. */
export type Outcome =
  { vote: 'YES' } | { vote: 'NO'; reason: VoteNoReason } | { state: LegState } | { error: string };

interface ModelLeg {
  readonly accountNo: string;
  readonly amount: bigint;
  state: LegState;
  readonly reason?: VoteNoReason;
}

const TOMBSTONE = 'tombstone';

/**
 * The ledger's rules written as plainly as possible, over plain maps: the property test drives
 * it and the real ledger side by side and expects the same outcome and balances at every step.
 */
export class LedgerModel {
  readonly accounts: Map<string, { balance: bigint; held: bigint }>;
  private readonly legs = new Map<string, ModelLeg | typeof TOMBSTONE>();

  constructor(seed: readonly { accountNo: string; balance: bigint }[]) {
    this.accounts = new Map(seed.map((a) => [a.accountNo, { balance: a.balance, held: 0n }]));
  }

  /** Whether the leg has a record (a tombstone counts). */
  has(txid: bigint, leg: LegName): boolean {
    return this.legs.has(`${txid}-${leg}`);
  }

  prepare(leg: LegName, txid: bigint, accountNo: string, amount: bigint): Outcome {
    const key = `${txid}-${leg}`;
    const existing = this.legs.get(key);
    if (existing === TOMBSTONE) return { vote: 'NO', reason: 'ALREADY_ABORTED' };
    if (existing !== undefined) {
      if (existing.accountNo !== accountNo || existing.amount !== amount) {
        return { error: 'LEG_MISMATCH' };
      }
      return existing.reason === undefined
        ? { vote: 'YES' }
        : { vote: 'NO', reason: existing.reason };
    }
    const account = this.accounts.get(accountNo);
    let reason: VoteNoReason | undefined;
    if (amount <= 0n) reason = 'INVALID_AMOUNT';
    else if (account === undefined) reason = 'UNKNOWN_ACCOUNT';
    else if (leg === 'debit' && account.balance - account.held < amount) {
      reason = 'INSUFFICIENT_FUNDS';
    }
    if (reason !== undefined) {
      this.legs.set(key, { accountNo, amount, state: 'ABORTED', reason });
      return { vote: 'NO', reason };
    }
    this.legs.set(key, { accountNo, amount, state: 'PREPARED' });
    if (leg === 'debit' && account !== undefined) account.held += amount;
    return { vote: 'YES' };
  }

  commit(txid: bigint, leg: LegName): Outcome {
    const existing = this.legs.get(`${txid}-${leg}`);
    if (existing === undefined) return { error: 'UNKNOWN_LEG' };
    if (existing === TOMBSTONE || existing.state === 'ABORTED') {
      return { error: 'LEG_STATE_CONFLICT' };
    }
    if (existing.state === 'PREPARED') {
      const account = this.account(existing.accountNo);
      if (leg === 'debit') {
        account.balance -= existing.amount;
        account.held -= existing.amount;
      } else {
        account.balance += existing.amount;
      }
      existing.state = 'COMMITTED';
    }
    return { state: 'COMMITTED' };
  }

  abort(txid: bigint, leg: LegName): Outcome {
    const key = `${txid}-${leg}`;
    const existing = this.legs.get(key);
    if (existing === undefined) {
      this.legs.set(key, TOMBSTONE);
      return { state: 'ABORTED' };
    }
    if (existing === TOMBSTONE) return { state: 'ABORTED' };
    if (existing.state === 'COMMITTED') return { error: 'LEG_STATE_CONFLICT' };
    if (existing.state === 'PREPARED' && leg === 'debit') {
      this.account(existing.accountNo).held -= existing.amount;
    }
    existing.state = 'ABORTED';
    return { state: 'ABORTED' };
  }

  private account(accountNo: string): { balance: bigint; held: bigint } {
    const account = this.accounts.get(accountNo);
    if (account === undefined) throw new Error(`model has no account ${accountNo}`);
    return account;
  }
}

/** Runs a ledger call and describes its result the way the model does. */
export function outcomeOf(call: () => Vote | LegState): Outcome {
  try {
    const result = call();
    if (typeof result === 'string') return { state: result };
    return result.vote === 'YES' ? { vote: 'YES' } : { vote: 'NO', reason: result.reason };
  } catch (err) {
    return { error: (err as { code?: string }).code ?? String(err) };
  }
}
