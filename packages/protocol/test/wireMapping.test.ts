import {
  ABORT_REASONS,
  InvalidArgument,
  LEG_KINDS,
  LEG_STATES,
  VOTE_NO_REASONS,
  type Decision as DomainDecision,
  type PaymentStatus as DomainPaymentStatus,
} from '@strife/domain';
import {
  AbortReason,
  abortReasonFromWire,
  abortReasonToWire,
  Decision,
  decisionFromWire,
  decisionToWire,
  Leg,
  legKindFromWire,
  legKindToWire,
  LegState,
  legStateFromWire,
  legStateToWire,
  PaymentStatus,
  paymentStatusFromWire,
  paymentStatusToWire,
  Vote,
  VoteNoReason,
  voteFromWire,
  voteNoReasonFromWire,
  voteNoReasonToWire,
  voteToWire,
} from '../src';

/** The members of a generated enum that carry meaning (not UNSPECIFIED, not UNRECOGNIZED). */
function known(enumObject: Record<string, string | number>): number[] {
  return Object.values(enumObject).filter((v): v is number => typeof v === 'number' && v > 0);
}

function refusal(fn: () => unknown): InvalidArgument {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidArgument) return err;
    throw err;
  }
  throw new Error('accepted');
}

const PAYMENT_STATUSES: DomainPaymentStatus[] = ['COMMITTED', 'ABORTED', 'PENDING'];
const DECISIONS: DomainDecision[] = ['COMMIT', 'ABORT'];

describe.each([
  ['leg kind', LEG_KINDS, Leg, legKindToWire, legKindFromWire, 'leg'],
  ['leg state', LEG_STATES, LegState, legStateToWire, legStateFromWire, 'state'],
  [
    'vote NO reason',
    VOTE_NO_REASONS,
    VoteNoReason,
    voteNoReasonToWire,
    voteNoReasonFromWire,
    'reason',
  ],
  [
    'payment status',
    PAYMENT_STATUSES,
    PaymentStatus,
    paymentStatusToWire,
    paymentStatusFromWire,
    'status',
  ],
  ['decision', DECISIONS, Decision, decisionToWire, decisionFromWire, 'decision'],
  [
    'abort reason',
    ABORT_REASONS,
    AbortReason,
    abortReasonToWire,
    abortReasonFromWire,
    'abort_reason',
  ],
] as const)('the %s mapping', (_name, domain, wireEnum, toWire, fromWire, field) => {
  const to = toWire as (value: string) => number;
  const from = fromWire as (value: number, field?: string) => string | undefined;

  it('maps every domain value to a distinct wire value and back', () => {
    const wire = domain.map((value) => to(value));
    expect(new Set(wire).size).toBe(domain.length);
    expect(wire.map((value) => from(value))).toEqual(domain);
  });

  it('maps every meaningful wire value to the domain and back', () => {
    const values = known(wireEnum);
    expect(values.length).toBe(domain.length);
    expect(values.map((value) => to(from(value)!))).toEqual(values);
  });

  it('refuses a value this build does not know, naming the field and what it accepts', () => {
    const err = refusal(() => from(99));
    expect(err.field).toBe(field);
    expect(err.message).toMatch(new RegExp(`^${field}: must be one of .+; got 99$`));
    expect(refusal(() => from(99, 'records[3].leg')).field).toBe('records[3].leg');
  });
});

describe('UNSPECIFIED on the wire', () => {
  it.each([
    [
      'leg',
      () => legKindFromWire(Leg.LEG_UNSPECIFIED),
      'leg: must be one of LEG_DEBIT, LEG_CREDIT, LEG_TRANSFER; got LEG_UNSPECIFIED',
    ],
    [
      'state',
      () => legStateFromWire(LegState.LEG_STATE_UNSPECIFIED),
      /^state: .* got LEG_STATE_UNSPECIFIED$/,
    ],
    [
      'reason',
      () => voteNoReasonFromWire(VoteNoReason.VOTE_NO_REASON_UNSPECIFIED),
      /got VOTE_NO_REASON_UNSPECIFIED$/,
    ],
    [
      'status',
      () => paymentStatusFromWire(PaymentStatus.PAYMENT_STATUS_UNSPECIFIED),
      /got PAYMENT_STATUS_UNSPECIFIED$/,
    ],
    [
      'decision',
      () => decisionFromWire(Decision.DECISION_UNSPECIFIED),
      'decision: must be one of DECISION_COMMIT, DECISION_ABORT; got DECISION_UNSPECIFIED',
    ],
  ])('is refused for %s', (field, call, message) => {
    const err = refusal(call);
    expect(err.field).toBe(field);
    expect(err.message).toMatch(message);
  });

  it('is "no reason" for an abort reason, both ways', () => {
    expect(abortReasonFromWire(AbortReason.ABORT_REASON_UNSPECIFIED)).toBeUndefined();
    expect(abortReasonToWire(undefined)).toBe(AbortReason.ABORT_REASON_UNSPECIFIED);
  });
});

describe('votes', () => {
  it('carry YES, and NO with its reason and detail, both ways', () => {
    const no = { vote: 'NO', reason: 'INSUFFICIENT_FUNDS', detail: 'short by 1.00' } as const;
    expect(voteToWire({ vote: 'YES' })).toEqual({
      vote: Vote.VOTE_YES,
      reason: VoteNoReason.VOTE_NO_REASON_UNSPECIFIED,
      detail: '',
    });
    expect(voteToWire(no)).toEqual({
      vote: Vote.VOTE_NO,
      reason: VoteNoReason.VOTE_NO_REASON_INSUFFICIENT_FUNDS,
      detail: 'short by 1.00',
    });
    expect(voteFromWire(voteToWire(no))).toEqual(no);
    expect(voteFromWire(voteToWire({ vote: 'YES' }))).toEqual({ vote: 'YES' });
  });

  it('refuses a vote that is neither, and a NO without a known reason', () => {
    const blank = {
      vote: Vote.VOTE_UNSPECIFIED,
      reason: VoteNoReason.VOTE_NO_REASON_UNSPECIFIED,
      detail: '',
    };
    expect(refusal(() => voteFromWire(blank)).message).toBe(
      'vote: must be VOTE_YES or VOTE_NO; got VOTE_UNSPECIFIED',
    );
    expect(refusal(() => voteFromWire({ ...blank, vote: Vote.VOTE_NO })).field).toBe('reason');
  });
});
