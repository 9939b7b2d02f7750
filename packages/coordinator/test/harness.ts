import {
  Coordinator,
  type CoordinatorEvent,
  type CoordinatorOptions,
  type DecisionLog,
  type Leg,
  type Transaction,
} from '../src';
import { SqliteDecisionLog } from '../src/sqlite';
import { Network } from './fakeParticipant';

export const debit = (participant: string, account: string, amount: bigint): Leg => ({
  participant,
  kind: 'debit',
  account,
  amount,
});

export const credit = (participant: string, account: string, amount: bigint): Leg => ({
  participant,
  kind: 'credit',
  account,
  amount,
});

/** The usual payment: `amount` from SBI:2001 to ICICI:1001. */
export const payment = (txid: bigint, amount = 100n): Transaction => ({
  txid,
  legs: [debit('SBI', '2001', amount), credit('ICICI', '1001', amount)],
});

/** Small timeouts so tests stay fast; retries use a fixed jitter factor. */
export const FAST = { prepareMs: 200, ackMs: 1000, retryInitialMs: 1, retryMaxMs: 8 } as const;

/** Collects events; `types(txid)` gives their types in order. */
export function eventRecorder(): {
  events: CoordinatorEvent[];
  onEvent: (event: CoordinatorEvent) => void;
  types: (txid?: bigint) => string[];
} {
  const events: CoordinatorEvent[] = [];
  return {
    events,
    onEvent: (event) => events.push(event),
    types: (txid) => events.filter((e) => txid === undefined || e.txid === txid).map((e) => e.type),
  };
}

/** A promise with its resolve function outside, for gating steps in a test. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * A `DecisionLog` wrapper that appends each completed write to `trace`, so a test can check
 * the order of durable writes against the messages participants received.
 */
export function tracingLog(inner: DecisionLog, trace: string[]): DecisionLog {
  return {
    initiate: async (tx) => {
      await inner.initiate(tx);
      trace.push(`log:INITIATED:${tx.txid}`);
    },
    decide: async (txid, decision, cause) => {
      const logged = await inner.decide(txid, decision, cause);
      trace.push(`log:${logged}:${txid}`);
      return logged;
    },
    markDone: async (txid) => {
      await inner.markDone(txid);
      trace.push(`log:DONE:${txid}`);
    },
    get: (txid) => inner.get(txid),
    takeOver: (limit) => inner.takeOver(limit),
    renew: (txids) => inner.renew(txids),
    release: (txids) => inner.release(txids),
    close: () => inner.close(),
  };
}

export interface World {
  readonly log: SqliteDecisionLog;
  readonly net: Network;
  readonly coordinator: Coordinator;
  /** Every event from every coordinator built by this world, in order. */
  readonly events: CoordinatorEvent[];
  readonly types: (txid?: bigint) => string[];
  /**
   * A new coordinator on the same log file and participants, as after a restart: a new
   * incarnation of the same owner, so it takes over what the previous one left.
   */
  restart(options?: Partial<CoordinatorOptions>): Coordinator;
}

let incarnations = 0;

/** The same log, working for a new incarnation of the default owner (as after a restart). */
export function reincarnate(log: SqliteDecisionLog): SqliteDecisionLog {
  incarnations += 1;
  return SqliteDecisionLog.sharing(log, {
    name: 'coordinator',
    incarnation: `restart-${incarnations}`,
    leaseMs: 30_000,
  });
}

/** An in-memory log, participants SBI/ICICI/HDFC, and a coordinator with FAST timeouts. */
export function world(options: Partial<CoordinatorOptions> = {}): World {
  const log =
    options.log instanceof SqliteDecisionLog ? options.log : SqliteDecisionLog.open(':memory:');
  const net = new Network(['SBI', 'ICICI', 'HDFC']);
  const recorder = eventRecorder();
  const build = (more: Partial<CoordinatorOptions>, own = log): Coordinator =>
    new Coordinator({
      log: own,
      participants: net.lookup,
      timeouts: FAST,
      random: () => 0.5,
      onEvent: recorder.onEvent,
      ...options,
      ...more,
    });
  return {
    log,
    net,
    coordinator: build({}),
    events: recorder.events,
    types: recorder.types,
    restart: (more = {}) => build(more, reincarnate(log)),
  };
}
