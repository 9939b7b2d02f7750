import { InvalidArgument } from '@strife/domain';
import type { Leg, LegKind, Transaction } from './types';

const MAX_INT64 = (1n << 63n) - 1n;
const LEG_KINDS: readonly string[] = ['debit', 'credit', 'transfer'] satisfies LegKind[];

/** Throws `InvalidArgument` unless `txid` fits the log: 1 ≤ txid < 2^63 (0 is protobuf's "unset"). */
export function checkTxid(txid: unknown, field = 'txid'): asserts txid is bigint {
  if (typeof txid !== 'bigint' || txid < 1n || txid > MAX_INT64) {
    throw new InvalidArgument(field, 'must be a bigint between 1 and 2^63-1');
  }
}

/** Throws `InvalidArgument` naming the first field of `tx` that is malformed. */
export function checkTransaction(tx: Transaction): void {
  checkTxid(tx.txid);
  if (!Array.isArray(tx.legs) || tx.legs.length === 0) {
    throw new InvalidArgument('legs', 'must be a non-empty array');
  }
  const seen = new Set<string>();
  tx.legs.forEach((leg: Leg, i) => {
    const at = `legs[${i}]`;
    if (typeof leg.participant !== 'string' || leg.participant === '') {
      throw new InvalidArgument(`${at}.participant`, 'must be a non-empty string');
    }
    if (!LEG_KINDS.includes(leg.kind)) {
      throw new InvalidArgument(`${at}.kind`, "must be 'debit', 'credit' or 'transfer'");
    }
    if ((leg.kind === 'transfer') !== (leg.toAccount !== undefined)) {
      throw new InvalidArgument(
        `${at}.toAccount`,
        'is required for a transfer leg, and only there',
      );
    }
    if (leg.toAccount !== undefined && (leg.toAccount === '' || leg.toAccount === leg.account)) {
      throw new InvalidArgument(`${at}.toAccount`, 'must be another non-empty account');
    }
    if (typeof leg.account !== 'string' || leg.account === '') {
      throw new InvalidArgument(`${at}.account`, 'must be a non-empty string');
    }
    if (typeof leg.amount !== 'bigint' || leg.amount <= 0n || leg.amount > MAX_INT64) {
      throw new InvalidArgument(`${at}.amount`, 'must be a bigint between 1 and 2^63-1');
    }
    // A participant keys its legs by (txid, kind), so two such legs would collide there.
    const key = `${leg.participant}\u0000${leg.kind}`;
    if (seen.has(key)) {
      throw new InvalidArgument(at, `repeats the ${leg.kind} leg at ${leg.participant}`);
    }
    seen.add(key);
  });
}

/** The first field in which two leg lists differ (e.g. `legs[1].amount`), or undefined. */
export function legsDiffer(a: readonly Leg[], b: readonly Leg[]): string | undefined {
  if (a.length !== b.length) return 'legs.length';
  for (const [i, x] of a.entries()) {
    const y = b[i];
    if (y === undefined) return 'legs.length';
    for (const field of ['participant', 'kind', 'account', 'toAccount', 'amount'] as const) {
      if (x[field] !== y[field]) return `legs[${i}].${field}`;
    }
  }
  return undefined;
}
