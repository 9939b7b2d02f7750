import { Internal } from '@strife/domain';
import type { LogRecord, LogState } from './decisionLog';
import type { AbortCause, Decision, Leg, LegKind } from './types';

/**
 * Row mapping for `DecisionLog` implementations on SQL: a `transactions` row (its state derived:
 * DONE if done_at, else the decision, else INITIATED) and its `legs` rows, as drivers return them
 * with 64-bit integers as bigints. Backend-neutral, so every SQL log maps causes one way.
 */
export interface TxRow {
  txid: bigint;
  decision: Decision | null;
  cause_kind: AbortCause['kind'] | null;
  cause_participant: string | null;
  cause_reason: string | null;
  cause_detail: string | null;
  created_at: bigint;
  decided_at: bigint | null;
  done_at: bigint | null;
}

export interface LegRow {
  txid: bigint;
  idx: bigint | number;
  participant: string;
  kind: LegKind;
  account: string;
  to_account: string | null;
  amount: bigint;
}

/** The cause columns for a decision: ABORT always has a cause (PRESUMED if none given). */
export function causeColumns(
  decision: Decision,
  cause: AbortCause | undefined,
): Pick<TxRow, 'cause_kind' | 'cause_participant' | 'cause_reason' | 'cause_detail'> {
  const none = { cause_participant: null, cause_reason: null, cause_detail: null };
  if (decision === 'COMMIT') return { cause_kind: null, ...none };
  const c = cause ?? { kind: 'PRESUMED' };
  switch (c.kind) {
    case 'VOTED_NO':
      return {
        cause_kind: c.kind,
        cause_participant: c.participant,
        cause_reason: c.reason,
        cause_detail: c.detail ?? null,
      };
    case 'TIMEOUT':
      return { ...none, cause_kind: c.kind, cause_participant: c.participant };
    case 'UNAVAILABLE':
      return {
        ...none,
        cause_kind: c.kind,
        cause_participant: c.participant,
        cause_detail: c.detail,
      };
    case 'PRESUMED':
      return { cause_kind: c.kind, ...none };
  }
}

function causeOf(row: TxRow): AbortCause | undefined {
  const corrupt = (): never => {
    throw new Internal(`decision log row for txid ${row.txid} has an invalid cause`);
  };
  switch (row.cause_kind) {
    case null:
      return undefined;
    case 'VOTED_NO':
      return {
        kind: 'VOTED_NO',
        participant: row.cause_participant ?? corrupt(),
        reason: row.cause_reason ?? corrupt(),
        ...(row.cause_detail === null ? {} : { detail: row.cause_detail }),
      };
    case 'TIMEOUT':
      return { kind: 'TIMEOUT', participant: row.cause_participant ?? corrupt() };
    case 'UNAVAILABLE':
      return {
        kind: 'UNAVAILABLE',
        participant: row.cause_participant ?? corrupt(),
        detail: row.cause_detail ?? corrupt(),
      };
    case 'PRESUMED':
      return { kind: 'PRESUMED' };
  }
}

function stateOf(row: TxRow): LogState {
  if (row.done_at !== null) return 'DONE';
  return row.decision ?? 'INITIATED';
}

export function legOf(row: LegRow): Leg {
  const leg = { participant: row.participant, kind: row.kind, account: row.account };
  return row.to_account === null
    ? { ...leg, amount: row.amount }
    : { ...leg, toAccount: row.to_account, amount: row.amount };
}

export function recordOf(row: TxRow, legs: readonly Leg[]): LogRecord {
  const cause = causeOf(row);
  return {
    txid: row.txid,
    legs,
    state: stateOf(row),
    ...(row.decision === null ? {} : { decision: row.decision }),
    ...(cause === undefined ? {} : { cause }),
    createdAt: Number(row.created_at),
    ...(row.decided_at === null ? {} : { decidedAt: Number(row.decided_at) }),
    ...(row.done_at === null ? {} : { doneAt: Number(row.done_at) }),
  };
}
