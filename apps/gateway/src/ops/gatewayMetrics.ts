import type { Coordinator, CoordinatorEvent } from '@strife/coordinator';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { CALL_BUCKETS } from '@strife/runtime';

/**
 * The gateway's own series, fed by the coordinator's events: decisions by outcome and reason,
 * how long each phase of two-phase commit takes, phase-2 re-sends by bank (refusals — lost books
 * or a bug — counted apart, so they stand out), and, read at scrape time, how many transactions
 * this instance is working on and how many legs are stuck. Observing costs a counter increment
 * or a histogram bucket per event; nothing is computed on the payment's path.
 */
export function gatewayMetrics(
  registry: Registry,
  coordinator: Pick<Coordinator, 'active' | 'stuck'>,
): { onEvent(event: CoordinatorEvent): void; leased(): void } {
  const decided = new Counter({
    name: 'strife_payments_decided_total',
    help: 'Decisions this instance recorded or adopted, by decision and abort cause.',
    labelNames: ['decision', 'cause'],
    registers: [registry],
  });
  const phases = new Histogram({
    name: 'strife_2pc_phase_seconds',
    help: 'Duration of phase 1 (INITIATED to the durable decision) and phase 2 (decision to DONE).',
    labelNames: ['phase'],
    buckets: CALL_BUCKETS,
    registers: [registry],
  });
  const resends = new Counter({
    name: 'strife_2pc_resends_total',
    help: 'Phase-2 messages re-sent, by bank and why: lost (no acknowledgement) or refused (FAILED_PRECONDITION: lost books or a bug).',
    labelNames: ['bank', 'kind'],
    registers: [registry],
  });
  const takeovers = new Counter({
    name: 'strife_2pc_takeovers_total',
    help: 'Transactions this instance took over from a dead or stalled owner.',
    registers: [registry],
  });
  const leases = new Counter({
    name: 'strife_txid_blocks_leased_total',
    help: 'Blocks of transaction ids this instance leased from the txid service.',
    registers: [registry],
  });
  new Gauge({
    name: 'strife_2pc_active',
    help: 'Transactions this instance is working on, by phase.',
    labelNames: ['phase'],
    registers: [registry],
    collect() {
      const { phaseOne, phaseTwo } = coordinator.active();
      this.set({ phase: 'prepare' }, phaseOne);
      this.set({ phase: 'deliver' }, phaseTwo);
    },
  });
  new Gauge({
    name: 'strife_2pc_stuck_legs',
    help: 'Legs whose bank keeps refusing the decision (see strife_2pc_resends_total{kind="refused"}).',
    registers: [registry],
    collect() {
      this.set(coordinator.stuck().length);
    },
  });
  const started = new Map<bigint, number>();
  return {
    leased: () => leases.inc(),
    onEvent(event) {
      switch (event.type) {
        case 'INITIATED':
          started.set(event.txid, performance.now());
          return;
        case 'DECIDED': {
          decided.inc({ decision: event.decision, cause: event.cause?.kind ?? '' });
          const at = started.get(event.txid);
          if (at !== undefined)
            phases.observe({ phase: 'prepare' }, (performance.now() - at) / 1000);
          started.set(event.txid, performance.now());
          return;
        }
        case 'DONE': {
          const at = started.get(event.txid);
          started.delete(event.txid);
          if (at !== undefined)
            phases.observe({ phase: 'deliver' }, (performance.now() - at) / 1000);
          return;
        }
        case 'LOST':
          started.delete(event.txid);
          return;
        case 'RETRY':
          if (event.leg) resends.inc({ bank: event.leg.participant, kind: 'lost' });
          return;
        case 'REFUSED':
          resends.inc({ bank: event.leg.participant, kind: 'refused' });
          return;
        case 'TAKEN_OVER':
          takeovers.inc();
          return;
        default:
          return;
      }
    },
  };
}
