import { Internal } from '@strife/domain';
import type { AccountView, LegName, LegRecord, LegState, VoteNoReason } from './types';

/** An `accounts` row as read with safe integers. */
export interface AccountRow {
  readonly account_no: string;
  readonly holder: string;
  readonly balance: bigint;
  readonly held: bigint;
  readonly open: bigint;
}

/** A `legs` row as read with safe integers; `account_no` and `amount` are null for a tombstone. */
export interface LegRow {
  readonly key: string;
  readonly seq: bigint;
  readonly txid: bigint;
  readonly leg: string;
  readonly account_no: string | null;
  readonly amount: bigint | null;
  readonly state: string;
  readonly vote_reason: string | null;
  readonly vote_detail: string | null;
  readonly created_at: bigint;
  readonly updated_at: bigint;
}

const LEG_STATES: readonly string[] = ['PREPARED', 'COMMITTED', 'ABORTED'] satisfies LegState[];
const VOTE_NO_REASONS: readonly string[] = [
  'INSUFFICIENT_FUNDS',
  'UNKNOWN_ACCOUNT',
  'INVALID_AMOUNT',
  'ACCOUNT_CLOSED',
  'ALREADY_ABORTED',
] satisfies VoteNoReason[];

export function toAccountView(row: AccountRow): AccountView {
  return {
    accountNo: row.account_no,
    holder: row.holder,
    balance: row.balance,
    held: row.held,
    available: row.balance - row.held,
    open: row.open === 1n,
  };
}

export function legName(row: LegRow): LegName {
  if (row.leg === 'debit' || row.leg === 'credit') return row.leg;
  throw new Internal(`leg ${row.key} has an unknown leg name ${row.leg}`);
}

export function legState(row: LegRow): LegState {
  if (LEG_STATES.includes(row.state)) return row.state as LegState;
  throw new Internal(`leg ${row.key} has an unknown state ${row.state}`);
}

export function voteReason(row: LegRow): VoteNoReason | undefined {
  if (row.vote_reason === null) return undefined;
  if (VOTE_NO_REASONS.includes(row.vote_reason)) return row.vote_reason as VoteNoReason;
  throw new Internal(`leg ${row.key} has an unknown vote reason ${row.vote_reason}`);
}

/** The public record of a leg; a tombstone (no account, no amount) has none. */
export function toLegRecord(row: LegRow): LegRecord {
  if (row.account_no === null || row.amount === null) {
    throw new Internal(`leg ${row.key} is a tombstone and has no record`);
  }
  const reason = voteReason(row);
  return {
    key: row.key,
    txid: row.txid,
    leg: legName(row),
    accountNo: row.account_no,
    amount: row.amount,
    state: legState(row),
    ...(reason === undefined ? {} : { reason }),
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
  };
}
