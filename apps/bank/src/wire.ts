import type { LegName, LegRecord as LedgerLeg, Vote as LedgerVote } from '@strife/ledger';
import { InvalidArgument } from '@strife/domain';
import {
  Leg,
  type LegRecord,
  LegState,
  Vote,
  VoteNoReason,
  type PrepareDebitResponse,
} from '@strife/protocol';

/** Ledger values to and from their wire form. */

export function legFromWire(leg: Leg): LegName {
  if (leg === Leg.LEG_DEBIT) return 'debit';
  if (leg === Leg.LEG_CREDIT) return 'credit';
  throw new InvalidArgument('leg', 'must be LEG_DEBIT or LEG_CREDIT');
}

const LEG_TO_WIRE: Record<LegName, Leg> = { debit: Leg.LEG_DEBIT, credit: Leg.LEG_CREDIT };

const STATE_TO_WIRE: Record<LedgerLeg['state'], LegState> = {
  PREPARED: LegState.LEG_STATE_PREPARED,
  COMMITTED: LegState.LEG_STATE_COMMITTED,
  ABORTED: LegState.LEG_STATE_ABORTED,
};

export function legStateToWire(state: LedgerLeg['state']): LegState {
  return STATE_TO_WIRE[state];
}

const REASON_TO_WIRE: Record<Extract<LedgerVote, { vote: 'NO' }>['reason'], VoteNoReason> = {
  INSUFFICIENT_FUNDS: VoteNoReason.VOTE_NO_REASON_INSUFFICIENT_FUNDS,
  UNKNOWN_ACCOUNT: VoteNoReason.VOTE_NO_REASON_UNKNOWN_ACCOUNT,
  INVALID_AMOUNT: VoteNoReason.VOTE_NO_REASON_INVALID_AMOUNT,
  ACCOUNT_CLOSED: VoteNoReason.VOTE_NO_REASON_ACCOUNT_CLOSED,
  ALREADY_ABORTED: VoteNoReason.VOTE_NO_REASON_ALREADY_ABORTED,
};

export function voteToWire(vote: LedgerVote): PrepareDebitResponse {
  return vote.vote === 'YES'
    ? { vote: Vote.VOTE_YES, reason: VoteNoReason.VOTE_NO_REASON_UNSPECIFIED, detail: '' }
    : { vote: Vote.VOTE_NO, reason: REASON_TO_WIRE[vote.reason], detail: vote.detail };
}

export function legRecordToWire(record: LedgerLeg): LegRecord {
  return {
    txid: record.txid,
    leg: LEG_TO_WIRE[record.leg],
    accountNo: record.accountNo,
    amount: record.amount,
    state: STATE_TO_WIRE[record.state],
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
