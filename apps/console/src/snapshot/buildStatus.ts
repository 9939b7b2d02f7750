import type { GetStatusResponse } from '@strife/protocol';
import type { Answer } from '../cluster/probes';
import type { Target } from '../cluster/targets';
import type { TrafficHistory } from '../metrics/history';
import { countMoney } from '../money/books';
import type { Conservation } from '../money/conservation';
import type { StatusView, TrafficView } from '../shared/api';
import type { PassResult } from './pass';
import { bankBooks, bankView, openDecisions, serviceView, twoPhaseView } from './views';

export interface BuildContext {
  readonly targets: readonly Target[];
  readonly inDoubtAfterMs: number;
  readonly history: TrafficHistory;
  readonly conservation: Conservation;
}

const NO_ANSWER: Answer<GetStatusResponse> = { ok: false, error: 'not asked', code: undefined };

/**
 * The console's status from one pass: the health strip, each bank's money and PREPARED legs, the
 * conservation check, two-phase commit across the gateways, and the traffic counters and the new
 * chart point. A bank's answer that cannot be read (an enum value this build does not know)
 * counts as no answer from that bank; a gateway's unreadable entries are left out.
 */
export function buildStatus(result: PassResult, context: BuildContext): StatusView {
  const answer = (target: Target): Answer<GetStatusResponse> =>
    result.status.get(target.name) ?? NO_ANSWER;
  const services = context.targets.map((t) =>
    serviceView(t, answer(t), result.metrics.get(t.name) ?? 'NO_ADDRESS', result.at),
  );
  const stateOf = (name: string) => services.find((s) => s.name === name)?.status ?? 'UNREACHABLE';

  const banks = context.targets.filter((t) => t.kind === 'bank');
  const books = banks.map((t) => readable(t.instance, () => bankBooks(t.instance, answer(t))));
  const bankViews = banks.map((t) => {
    const status = answer(t);
    const fallback = bankView(t.instance, stateOf(t.name), undefined, context.inDoubtAfterMs);
    const bank = status.ok ? status.value.bank : undefined;
    return tryOr(
      () => bankView(t.instance, stateOf(t.name), bank, context.inDoubtAfterMs),
      fallback,
    );
  });

  const gateways = context.targets
    .filter((t) => t.kind === 'gateway')
    .map((t) => {
      const status = answer(t);
      return { instance: t.instance, status: status.ok ? status.value.gateway : undefined };
    });

  return {
    at: new Date(result.at).toISOString(),
    services,
    banks: bankViews,
    conservation: context.conservation.observe(countMoney(books, openDecisions(gateways))),
    twoPhase: twoPhaseView(gateways),
    traffic: trafficView(context.targets, result),
    point: gateways.some((g) => hasMetrics(context.targets, g.instance))
      ? context.history.record(result.at, result.gatewaySamples)
      : null,
    inDoubtAfterMs: context.inDoubtAfterMs,
  };
}

function trafficView(targets: readonly Target[], result: PassResult): TrafficView {
  const gateways = targets.filter((t) => t.kind === 'gateway');
  let committed = 0;
  let aborted = 0;
  const abortsByCause: Record<string, number> = {};
  for (const sample of result.gatewaySamples.values()) {
    committed += sample.committed;
    aborted += sample.aborted;
    for (const [cause, n] of Object.entries(sample.abortsByCause)) {
      abortsByCause[cause] = (abortsByCause[cause] ?? 0) + n;
    }
  }
  return {
    withoutMetrics: gateways.filter((t) => t.metricsAddress === undefined).map((t) => t.name),
    scraped: gateways.filter((t) => result.gatewaySamples.has(t.instance)).map((t) => t.name),
    committed,
    aborted,
    abortsByCause,
  };
}

function hasMetrics(targets: readonly Target[], instance: string): boolean {
  return targets.some(
    (t) => t.kind === 'gateway' && t.instance === instance && t.metricsAddress !== undefined,
  );
}

function readable<T extends object>(
  name: string,
  read: () => T,
): T | { name: string; error: string } {
  return tryOr(read, { name, error: 'its answer could not be read' });
}

function tryOr<T, F>(read: () => T, fallback: F): T | F {
  try {
    return read();
  } catch {
    return fallback;
  }
}
