import {
  Internal,
  LEG_KINDS,
  LEG_STATES,
  type LegKind,
  type LegState,
  VOTE_NO_REASONS,
  type VoteNoReason,
} from '@strife/domain';
import type { AccountView, LegRecord } from './types';

/** An `accounts` row as read with safe integers. */
export interface AccountRow {
  readonly account_no: string;
  readonly holder: string;
  readonly balance: bigint;
  readonly held: bigint;
  readonly incoming: bigint;
  readonly open: bigint;
}

/**
 * A `legs` row as read with safe integers; `account_no` and `amount` are null for a tombstone,
 * `to_account_no` is set only on a transfer that is not one.
 */
export interface LegRow {
  readonly key: string;
  readonly seq: bigint;
  readonly txid: bigint;
  readonly leg: string;
  readonly account_no: string | null;
  readonly to_account_no: string | null;
  readonly amount: bigint | null;
  readonly state: string;
  readonly vote_reason: string | null;
  readonly vote_detail: string | null;
  readonly created_at: bigint;
  readonly updated_at: bigint;
}

function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}

export function toAccountView(row: AccountRow): AccountView {
  return {
    accountNo: row.account_no,
    holder: row.holder,
    balance: row.balance,
    held: row.held,
    incoming: row.incoming,
    available: row.balance - row.held,
    open: row.open === 1n,
  };
}

export function legKind(row: LegRow): LegKind {
  if (isOneOf(LEG_KINDS, row.leg)) return row.leg;
  throw new Internal(`leg ${row.key} has an unknown leg kind ${row.leg}`);
}

export function legState(row: LegRow): LegState {
  if (isOneOf(LEG_STATES, row.state)) return row.state;
  throw new Internal(`leg ${row.key} has an unknown state ${row.state}`);
}

export function voteReason(row: LegRow): VoteNoReason | undefined {
  if (row.vote_reason === null) return undefined;
  if (isOneOf(VOTE_NO_REASONS, row.vote_reason)) return row.vote_reason;
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
    leg: legKind(row),
    accountNo: row.account_no,
    ...(row.to_account_no === null ? {} : { toAccountNo: row.to_account_no }),
    amount: row.amount,
    state: legState(row),
    ...(reason === undefined ? {} : { reason }),
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
  };
}
