/**
 * The one mapping between the generated wire enums and the domain's unions (`@strife/domain`
 * `payment.ts`), both ways. Every table is total by type: a domain value without a wire value,
 * or a wire value (other than `*_UNSPECIFIED` and ts-proto's `UNRECOGNIZED`) without a domain
 * value, does not compile. A value on the wire that this build does not know — `UNSPECIFIED`,
 * or a number from a newer peer — is refused with `InvalidArgument` naming the field, except
 * where the domain has a word for "none" (`abortReasonFromWire` gives `undefined`).
 */
import {
  type AbortReason as DomainAbortReason,
  type Decision as DomainDecision,
  InvalidArgument,
  type LegKind,
  type LegState as DomainLegState,
  type PaymentStatus as DomainPaymentStatus,
  type Vote as DomainVote,
  type VoteNoReason as DomainVoteNoReason,
} from '@strife/domain';
import { Leg, LegState, Vote, VoteNoReason } from './gen/strife/v1/bank';
import { AbortReason, Decision, PaymentStatus } from './gen/strife/v1/gateway';

/** The values of a wire enum that mean something: all but `UNSPECIFIED` (0) and `UNRECOGNIZED`. */
type Known<E extends number> = Exclude<E, 0 | -1>;

/** A vote as every Prepare response carries it (`PrepareDebitResponse` and its siblings). */
export interface WireVote {
  readonly vote: Vote;
  readonly reason: VoteNoReason;
  readonly detail: string;
}

const LEG_KIND_TO_WIRE = {
  debit: Leg.LEG_DEBIT,
  credit: Leg.LEG_CREDIT,
  transfer: Leg.LEG_TRANSFER,
} as const satisfies Record<LegKind, Known<Leg>>;

const LEG_KIND_FROM_WIRE = {
  [Leg.LEG_DEBIT]: 'debit',
  [Leg.LEG_CREDIT]: 'credit',
  [Leg.LEG_TRANSFER]: 'transfer',
} as const satisfies Record<Known<Leg>, LegKind>;

const LEG_STATE_TO_WIRE = {
  PREPARED: LegState.LEG_STATE_PREPARED,
  COMMITTED: LegState.LEG_STATE_COMMITTED,
  ABORTED: LegState.LEG_STATE_ABORTED,
} as const satisfies Record<DomainLegState, Known<LegState>>;

const LEG_STATE_FROM_WIRE = {
  [LegState.LEG_STATE_PREPARED]: 'PREPARED',
  [LegState.LEG_STATE_COMMITTED]: 'COMMITTED',
  [LegState.LEG_STATE_ABORTED]: 'ABORTED',
} as const satisfies Record<Known<LegState>, DomainLegState>;

const VOTE_NO_REASON_TO_WIRE = {
  INSUFFICIENT_FUNDS: VoteNoReason.VOTE_NO_REASON_INSUFFICIENT_FUNDS,
  UNKNOWN_ACCOUNT: VoteNoReason.VOTE_NO_REASON_UNKNOWN_ACCOUNT,
  INVALID_AMOUNT: VoteNoReason.VOTE_NO_REASON_INVALID_AMOUNT,
  ACCOUNT_CLOSED: VoteNoReason.VOTE_NO_REASON_ACCOUNT_CLOSED,
  ALREADY_ABORTED: VoteNoReason.VOTE_NO_REASON_ALREADY_ABORTED,
} as const satisfies Record<DomainVoteNoReason, Known<VoteNoReason>>;

const VOTE_NO_REASON_FROM_WIRE = {
  [VoteNoReason.VOTE_NO_REASON_INSUFFICIENT_FUNDS]: 'INSUFFICIENT_FUNDS',
  [VoteNoReason.VOTE_NO_REASON_UNKNOWN_ACCOUNT]: 'UNKNOWN_ACCOUNT',
  [VoteNoReason.VOTE_NO_REASON_INVALID_AMOUNT]: 'INVALID_AMOUNT',
  [VoteNoReason.VOTE_NO_REASON_ACCOUNT_CLOSED]: 'ACCOUNT_CLOSED',
  [VoteNoReason.VOTE_NO_REASON_ALREADY_ABORTED]: 'ALREADY_ABORTED',
} as const satisfies Record<Known<VoteNoReason>, DomainVoteNoReason>;

const ABORT_REASON_TO_WIRE = {
  INSUFFICIENT_FUNDS: AbortReason.ABORT_REASON_INSUFFICIENT_FUNDS,
  UNKNOWN_ACCOUNT: AbortReason.ABORT_REASON_UNKNOWN_ACCOUNT,
  BANK_UNAVAILABLE: AbortReason.ABORT_REASON_BANK_UNAVAILABLE,
  TIMEOUT: AbortReason.ABORT_REASON_TIMEOUT,
  INVALID_AMOUNT: AbortReason.ABORT_REASON_INVALID_AMOUNT,
  ACCOUNT_CLOSED: AbortReason.ABORT_REASON_ACCOUNT_CLOSED,
  INTERRUPTED: AbortReason.ABORT_REASON_INTERRUPTED,
} as const satisfies Record<DomainAbortReason, Known<AbortReason>>;

const ABORT_REASON_FROM_WIRE = {
  [AbortReason.ABORT_REASON_INSUFFICIENT_FUNDS]: 'INSUFFICIENT_FUNDS',
  [AbortReason.ABORT_REASON_UNKNOWN_ACCOUNT]: 'UNKNOWN_ACCOUNT',
  [AbortReason.ABORT_REASON_BANK_UNAVAILABLE]: 'BANK_UNAVAILABLE',
  [AbortReason.ABORT_REASON_TIMEOUT]: 'TIMEOUT',
  [AbortReason.ABORT_REASON_INVALID_AMOUNT]: 'INVALID_AMOUNT',
  [AbortReason.ABORT_REASON_ACCOUNT_CLOSED]: 'ACCOUNT_CLOSED',
  [AbortReason.ABORT_REASON_INTERRUPTED]: 'INTERRUPTED',
} as const satisfies Record<Known<AbortReason>, DomainAbortReason>;

const PAYMENT_STATUS_TO_WIRE = {
  COMMITTED: PaymentStatus.PAYMENT_STATUS_COMMITTED,
  ABORTED: PaymentStatus.PAYMENT_STATUS_ABORTED,
  PENDING: PaymentStatus.PAYMENT_STATUS_PENDING,
} as const satisfies Record<DomainPaymentStatus, Known<PaymentStatus>>;

const PAYMENT_STATUS_FROM_WIRE = {
  [PaymentStatus.PAYMENT_STATUS_COMMITTED]: 'COMMITTED',
  [PaymentStatus.PAYMENT_STATUS_ABORTED]: 'ABORTED',
  [PaymentStatus.PAYMENT_STATUS_PENDING]: 'PENDING',
} as const satisfies Record<Known<PaymentStatus>, DomainPaymentStatus>;

const DECISION_TO_WIRE = {
  COMMIT: Decision.DECISION_COMMIT,
  ABORT: Decision.DECISION_ABORT,
} as const satisfies Record<DomainDecision, Known<Decision>>;

const DECISION_FROM_WIRE = {
  [Decision.DECISION_COMMIT]: 'COMMIT',
  [Decision.DECISION_ABORT]: 'ABORT',
} as const satisfies Record<Known<Decision>, DomainDecision>;

/**
 * `table[value]`, or `InvalidArgument(field)` naming the values this build accepts. `names` is
 * the generated enum object, whose reverse mapping gives a value's name.
 */
function fromWire<D>(
  table: Readonly<Record<number, D>>,
  names: Readonly<Record<number, string>>,
  value: number,
  field: string,
): D {
  const found = (table as Readonly<Partial<Record<number, D>>>)[value];
  if (found !== undefined) return found;
  const expected = Object.keys(table)
    .map((key) => names[Number(key)])
    .join(', ');
  throw new InvalidArgument(field, `must be one of ${expected}; got ${nameOf(names, value)}`);
}

/** A wire value's enum name, or its number when this build has no name for it. */
function nameOf(names: Readonly<Record<number, string>>, value: number): string {
  return names[value] ?? String(value);
}

/** `debit` → `LEG_DEBIT`, `credit` → `LEG_CREDIT`, `transfer` → `LEG_TRANSFER`. */
export function legKindToWire(kind: LegKind): Leg {
  return LEG_KIND_TO_WIRE[kind];
}

/** The leg kind of a wire `Leg`. @throws InvalidArgument naming `field` for any other value. */
export function legKindFromWire(leg: Leg, field = 'leg'): LegKind {
  return fromWire(LEG_KIND_FROM_WIRE, Leg, leg, field);
}

/** `PREPARED` → `LEG_STATE_PREPARED`, and so on. */
export function legStateToWire(state: DomainLegState): LegState {
  return LEG_STATE_TO_WIRE[state];
}

/** The leg state of a wire `LegState`. @throws InvalidArgument naming `field` for any other. */
export function legStateFromWire(state: LegState, field = 'state'): DomainLegState {
  return fromWire(LEG_STATE_FROM_WIRE, LegState, state, field);
}

/** `INSUFFICIENT_FUNDS` → `VOTE_NO_REASON_INSUFFICIENT_FUNDS`, and so on. */
export function voteNoReasonToWire(reason: DomainVoteNoReason): VoteNoReason {
  return VOTE_NO_REASON_TO_WIRE[reason];
}

/** The reason of a NO vote. @throws InvalidArgument naming `field` for UNSPECIFIED or unknown. */
export function voteNoReasonFromWire(reason: VoteNoReason, field = 'reason'): DomainVoteNoReason {
  return fromWire(VOTE_NO_REASON_FROM_WIRE, VoteNoReason, reason, field);
}

/** A vote as a Prepare response carries it; a YES has reason UNSPECIFIED and no detail. */
export function voteToWire(vote: DomainVote): WireVote {
  return vote.vote === 'YES'
    ? { vote: Vote.VOTE_YES, reason: VoteNoReason.VOTE_NO_REASON_UNSPECIFIED, detail: '' }
    : { vote: Vote.VOTE_NO, reason: voteNoReasonToWire(vote.reason), detail: vote.detail };
}

/**
 * The vote in a Prepare response. @throws InvalidArgument naming `field` for a vote that is
 * neither YES nor NO, or `reason` for a NO without a reason this build knows.
 */
export function voteFromWire(answer: WireVote, field = 'vote'): DomainVote {
  if (answer.vote === Vote.VOTE_YES) return { vote: 'YES' };
  if (answer.vote === Vote.VOTE_NO) {
    return { vote: 'NO', reason: voteNoReasonFromWire(answer.reason), detail: answer.detail };
  }
  throw new InvalidArgument(field, `must be VOTE_YES or VOTE_NO; got ${nameOf(Vote, answer.vote)}`);
}

/** A payment's abort reason; `undefined` (no reason: not aborted) → `ABORT_REASON_UNSPECIFIED`. */
export function abortReasonToWire(reason: DomainAbortReason | undefined): AbortReason {
  return reason === undefined ? AbortReason.ABORT_REASON_UNSPECIFIED : ABORT_REASON_TO_WIRE[reason];
}

/**
 * A payment's abort reason: `undefined` for `ABORT_REASON_UNSPECIFIED` (a payment that was not
 * aborted has none). @throws InvalidArgument naming `field` for a value this build does not know.
 */
export function abortReasonFromWire(
  reason: AbortReason,
  field = 'abort_reason',
): DomainAbortReason | undefined {
  if (reason === AbortReason.ABORT_REASON_UNSPECIFIED) return undefined;
  return fromWire(ABORT_REASON_FROM_WIRE, AbortReason, reason, field);
}

/** `COMMITTED` → `PAYMENT_STATUS_COMMITTED`, and so on. */
export function paymentStatusToWire(status: DomainPaymentStatus): PaymentStatus {
  return PAYMENT_STATUS_TO_WIRE[status];
}

/** A payment's status. @throws InvalidArgument naming `field` for UNSPECIFIED or unknown. */
export function paymentStatusFromWire(
  status: PaymentStatus,
  field = 'status',
): DomainPaymentStatus {
  return fromWire(PAYMENT_STATUS_FROM_WIRE, PaymentStatus, status, field);
}

/** `COMMIT` → `DECISION_COMMIT`, `ABORT` → `DECISION_ABORT`. */
export function decisionToWire(decision: DomainDecision): Decision {
  return DECISION_TO_WIRE[decision];
}

/** A coordinator's decision. @throws InvalidArgument naming `field` for UNSPECIFIED or unknown. */
export function decisionFromWire(decision: Decision, field = 'decision'): DomainDecision {
  return fromWire(DECISION_FROM_WIRE, Decision, decision, field);
}
