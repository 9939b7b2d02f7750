import { formatAmount } from '@strife/domain';
import {
  decisionFromWire,
  legKindFromWire,
  type BankStatus,
  type GatewayStatus,
  type GetStatusResponse,
} from '@strife/protocol';
import type { Answer } from '../cluster/probes';
import type { Target } from '../cluster/targets';
import type { BankBooks, OpenDecisions } from '../money/books';
import type {
  BankView,
  MetricsState,
  OpenTransactionView,
  ServiceView,
  TwoPhaseView,
} from '../shared/api';

/** How many open transactions a gateway lists at most (GatewayStatus.open). */
export const OPEN_LIMIT = 200;

const OPEN_STATES = ['INITIATED', 'COMMIT', 'ABORT'] as const;

/** One service's line of the health strip. */
export function serviceView(
  target: Target,
  answer: Answer<GetStatusResponse>,
  metrics: MetricsState,
  now: number,
): ServiceView {
  const status = answer.ok ? answer.value : undefined;
  const startedAt = status?.startedAt;
  return {
    name: target.name,
    kind: target.kind,
    address: target.address,
    status: status === undefined ? 'UNREACHABLE' : status.serving ? 'SERVING' : 'NOT_SERVING',
    version: status?.version ?? null,
    startedAt: startedAt?.toISOString() ?? null,
    uptimeMs: startedAt ? Math.max(0, now - startedAt.getTime()) : null,
    error: answer.ok ? null : answer.error,
    metricsAddress: target.metricsAddress ?? null,
    metrics,
  };
}

/** A bank's books for the conservation check, or why there are none. */
export function bankBooks(
  name: string,
  answer: Answer<GetStatusResponse>,
): BankBooks | { name: string; error: string } {
  const bank = answer.ok ? answer.value.bank : undefined;
  if (!bank) return { name, error: answer.ok ? 'no bank status in its answer' : answer.error };
  return {
    name,
    balance: bank.totalBalance,
    accounts: Number(bank.accounts),
    preparedCount: bank.preparedCount,
    prepared: bank.prepared.map((leg) => ({
      txid: leg.txid,
      leg: legKindFromWire(leg.leg, 'prepared.leg'),
      amount: leg.amount,
    })),
  };
}

/** A bank's row of the money table, with its PREPARED legs. */
export function bankView(
  name: string,
  state: ServiceView['status'],
  bank: BankStatus | undefined,
  inDoubtAfterMs: number,
): BankView {
  if (!bank) {
    return {
      name,
      status: state,
      balance: null,
      held: null,
      incoming: null,
      inDoubt: null,
      inDoubtLegs: null,
      oldestInDoubtMs: null,
      accounts: null,
      legs: [],
    };
  }
  const legs = bank.prepared.map((leg) => ({
    txid: leg.txid.toString(),
    leg: legKindFromWire(leg.leg, 'prepared.leg'),
    accountNo: leg.accountNo,
    toAccountNo: leg.toAccountNo === '' ? null : leg.toAccountNo,
    amount: formatAmount(leg.amount),
    ageMs: Number(leg.ageMs),
    overdue: Number(leg.ageMs) > inDoubtAfterMs,
  }));
  return {
    name,
    status: state,
    balance: formatAmount(bank.totalBalance),
    held: formatAmount(bank.totalHeld),
    incoming: formatAmount(bank.totalIncoming),
    inDoubt: formatAmount(bank.prepared.reduce((sum, leg) => sum + leg.amount, 0n)),
    inDoubtLegs: bank.preparedCount,
    oldestInDoubtMs: legs.length === 0 ? null : Math.max(...legs.map((l) => l.ageMs)),
    accounts: Number(bank.accounts),
    legs,
  };
}

/**
 * Two-phase commit across the instances: the shared log's open transactions and recent decisions
 * from the first instance that answered (with several, they share one log), each instance's own
 * work and its stuck deliveries.
 */
export function twoPhaseView(
  gateways: readonly { readonly instance: string; readonly status: GatewayStatus | undefined }[],
): TwoPhaseView {
  const source = gateways.find((g) => g.status !== undefined);
  const log = source?.status;
  const open: OpenTransactionView[] = (log?.open ?? []).flatMap((t) => {
    const state = OPEN_STATES.find((s) => s === t.state);
    return state
      ? [{ txid: t.txid.toString(), state, owner: t.owner || null, ageMs: Number(t.ageMs) }]
      : [];
  });
  const count = (state: OpenTransactionView['state']): number =>
    open.filter((t) => t.state === state).length;
  return {
    source: source?.instance ?? null,
    open,
    openByState: { INITIATED: count('INITIATED'), COMMIT: count('COMMIT'), ABORT: count('ABORT') },
    openTruncated: (log?.open.length ?? 0) >= OPEN_LIMIT,
    active: gateways.flatMap((g) =>
      g.status
        ? [{ instance: g.instance, phaseOne: g.status.phaseOne, phaseTwo: g.status.phaseTwo }]
        : [],
    ),
    recent: (log?.recent ?? []).flatMap((d) => {
      const decision = known(() => decisionFromWire(d.decision));
      return decision
        ? [
            {
              txid: d.txid.toString(),
              decision,
              cause: d.cause || null,
              decidedAt: d.decidedAt?.toISOString() ?? null,
            },
          ]
        : [];
    }),
    stuck: gateways.flatMap((g) =>
      (g.status?.stuck ?? []).flatMap((s) => {
        const leg = known(() => legKindFromWire(s.leg));
        const decision = known(() => decisionFromWire(s.decision));
        if (!leg || !decision) return [];
        return [
          {
            instance: g.instance,
            txid: s.txid.toString(),
            bank: s.bank,
            leg,
            decision,
            attempts: s.attempts,
            since: s.since?.toISOString() ?? null,
            error: s.error,
          },
        ];
      }),
    ),
  };
}

/** A wire enum's domain value, or undefined for one this build does not know (a newer peer). */
function known<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** The open transactions' states for the conservation check; undefined without a gateway. */
export function openDecisions(
  gateways: readonly { readonly status: GatewayStatus | undefined }[],
): OpenDecisions | undefined {
  const log = gateways.find((g) => g.status !== undefined)?.status;
  if (!log) return undefined;
  return {
    states: new Map(log.open.map((t) => [t.txid, t.state])),
    truncated: log.open.length >= OPEN_LIMIT,
  };
}
