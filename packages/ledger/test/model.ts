import {
  type LegKind,
  type LegState,
  MAX_BALANCE,
  type Vote,
  type VoteNoReason,
} from '@strife/domain';

/** What one ledger call produced: a vote (without its detail), a state, or an error code. */
export type Outcome =
  { vote: 'YES' } | { vote: 'NO'; reason: VoteNoReason } | { state: LegState } | { error: string };

export interface ModelAccount {
  balance: bigint;
  held: bigint;
  incoming: bigint;
}

interface ModelLeg {
  readonly kind: LegKind;
  readonly accountNo: string;
  readonly toAccountNo: string | null;
  readonly amount: bigint;
  state: LegState;
  readonly reason?: VoteNoReason;
}

/** The accounts of a Prepare: the one the leg is at, and a transfer's payee. */
export interface ModelRequest {
  readonly accountNo: string;
  readonly toAccountNo: string | null;
  readonly amount: bigint;
}

const TOMBSTONE = 'tombstone';

/** Where money leaves (debit, transfer) and where it arrives (credit, transfer). */
export function payerAndPayee(
  kind: LegKind,
  accountNo: string,
  toAccountNo: string | null | undefined,
): { payer: string | undefined; payee: string | undefined } {
  if (kind === 'debit') return { payer: accountNo, payee: undefined };
  if (kind === 'credit') return { payer: undefined, payee: accountNo };
  return { payer: accountNo, payee: toAccountNo ?? undefined };
}

/**
 * The ledger's rules written as plainly as possible, over plain maps: the property test drives
 * it and the real ledger side by side and expects the same outcome and balances at every step.
 * Commit of a PREPARED leg always succeeds here: that is the promise a YES vote makes.
 */
export class LedgerModel {
  readonly accounts: Map<string, ModelAccount>;
  private readonly legs = new Map<string, ModelLeg | typeof TOMBSTONE>();

  constructor(seed: readonly { accountNo: string; balance: bigint }[]) {
    this.accounts = new Map(
      seed.map((a) => [a.accountNo, { balance: a.balance, held: 0n, incoming: 0n }]),
    );
  }

  /** Whether the leg has a record (a tombstone counts). */
  has(txid: bigint, kind: LegKind): boolean {
    return this.legs.has(`${txid}-${kind}`);
  }

  /** The state of a leg with a record that names its accounts. */
  stateOf(txid: bigint, kind: LegKind): LegState | undefined {
    const leg = this.legs.get(`${txid}-${kind}`);
    return leg === undefined || leg === TOMBSTONE ? undefined : leg.state;
  }

  prepare(kind: LegKind, txid: bigint, req: ModelRequest): Outcome {
    const key = `${txid}-${kind}`;
    const existing = this.legs.get(key);
    if (existing === TOMBSTONE) return { vote: 'NO', reason: 'ALREADY_ABORTED' };
    if (existing !== undefined) {
      if (
        existing.accountNo !== req.accountNo ||
        existing.toAccountNo !== req.toAccountNo ||
        existing.amount !== req.amount
      ) {
        return { error: 'LEG_MISMATCH' };
      }
      return existing.reason === undefined
        ? { vote: 'YES' }
        : { vote: 'NO', reason: existing.reason };
    }
    const reason = this.refusal(kind, req);
    const leg = { kind, ...req };
    if (reason !== undefined) {
      this.legs.set(key, { ...leg, state: 'ABORTED', reason });
      return { vote: 'NO', reason };
    }
    this.legs.set(key, { ...leg, state: 'PREPARED' });
    const { payer, payee } = payerAndPayee(kind, req.accountNo, req.toAccountNo);
    if (payer !== undefined) this.account(payer).held += req.amount;
    if (payee !== undefined) this.account(payee).incoming += req.amount;
    return { vote: 'YES' };
  }

  commit(txid: bigint, kind: LegKind): Outcome {
    const existing = this.legs.get(`${txid}-${kind}`);
    if (existing === undefined) return { error: 'UNKNOWN_LEG' };
    if (existing === TOMBSTONE || existing.state === 'ABORTED') {
      return { error: 'LEG_STATE_CONFLICT' };
    }
    if (existing.state === 'PREPARED') {
      const { payer, payee } = payerAndPayee(kind, existing.accountNo, existing.toAccountNo);
      if (payer !== undefined) {
        this.account(payer).balance -= existing.amount;
        this.account(payer).held -= existing.amount;
      }
      if (payee !== undefined) {
        this.account(payee).balance += existing.amount;
        this.account(payee).incoming -= existing.amount;
      }
      existing.state = 'COMMITTED';
    }
    return { state: 'COMMITTED' };
  }

  abort(txid: bigint, kind: LegKind): Outcome {
    const key = `${txid}-${kind}`;
    const existing = this.legs.get(key);
    if (existing === undefined) {
      this.legs.set(key, TOMBSTONE);
      return { state: 'ABORTED' };
    }
    if (existing === TOMBSTONE) return { state: 'ABORTED' };
    if (existing.state === 'COMMITTED') return { error: 'LEG_STATE_CONFLICT' };
    if (existing.state === 'PREPARED') {
      const { payer, payee } = payerAndPayee(kind, existing.accountNo, existing.toAccountNo);
      if (payer !== undefined) this.account(payer).held -= existing.amount;
      if (payee !== undefined) this.account(payee).incoming -= existing.amount;
    }
    existing.state = 'ABORTED';
    return { state: 'ABORTED' };
  }

  private refusal(kind: LegKind, req: ModelRequest): VoteNoReason | undefined {
    if (req.amount <= 0n || req.amount > MAX_BALANCE) return 'INVALID_AMOUNT';
    const { payer, payee } = payerAndPayee(kind, req.accountNo, req.toAccountNo);
    if (payer !== undefined && payer === payee) return 'INVALID_AMOUNT';
    const from = payer === undefined ? undefined : this.accounts.get(payer);
    const to = payee === undefined ? undefined : this.accounts.get(payee);
    if ((payer !== undefined && from === undefined) || (payee !== undefined && to === undefined)) {
      return 'UNKNOWN_ACCOUNT';
    }
    if (from !== undefined && from.balance - from.held < req.amount) return 'INSUFFICIENT_FUNDS';
    if (to !== undefined && to.balance + to.incoming + req.amount > MAX_BALANCE) {
      return 'INVALID_AMOUNT';
    }
    return undefined;
  }

  private account(accountNo: string): ModelAccount {
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
