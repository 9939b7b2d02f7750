import { setMaxListeners } from 'node:events';
import { Internal } from '@strife/domain';
import type { DecisionLog, LogRecord } from './decisionLog';
import { CoordinatorClosed, TransactionMismatch } from './errors';
import type { CoordinatorEvent } from './events';
import { settingsFrom, type Checkpoint, type CoordinatorOptions, type Settings } from './options';
import { collectVotes } from './phaseOne';
import { deliverDecision, isRefusal, type PhaseTwoContext } from './phaseTwo';
import { persist, type RetryPolicy } from './retry';
import { checkTransaction, checkTxid, legsDiffer } from './transaction';
import type { AbortCause, Decision, Leg, Outcome, Participant, Transaction } from './types';

/** What `recover` did: txids whose phase 1 it ran again, and txids whose phase 2 it (re)started. */
export interface RecoveryReport {
  readonly resumed: bigint[];
  readonly redriven: bigint[];
}

/** A leg whose participant keeps refusing the decision (see the REFUSED event). */
export interface StuckDelivery {
  readonly txid: bigint;
  readonly leg: Leg;
  readonly decision: Decision;
  readonly attempts: number;
  /** When the first refusal came, in ms since the epoch (the coordinator's clock). */
  readonly since: number;
  /** The participant's last answer. */
  readonly error: string;
}

interface Running {
  readonly legs: readonly Leg[];
  readonly outcome: Promise<Outcome>;
}

interface Driver {
  readonly work: Promise<void>;
  /** Stops this delivery (another coordinator took the transaction over). */
  readonly stop: AbortController;
}

/** Transactions taken over per log query. */
const TAKE_OVER_BATCH = 100;

function outcomeOf(record: LogRecord): Outcome {
  if (record.decision === 'COMMIT') return { txid: record.txid, decision: 'COMMIT' };
  if (record.decision === 'ABORT' && record.cause !== undefined) {
    return { txid: record.txid, decision: 'ABORT', reason: record.cause };
  }
  throw new Internal(`txid ${record.txid} has no complete decision on record`);
}

/**
 * A two-phase-commit coordinator with presumed abort. It knows participants only through the
 * `Participant` interface, and keeps its memory in a `DecisionLog`: INITIATED before any
 * Prepare, the decision before any Commit/Abort, DONE once every participant acknowledged.
 * Decisions are write-once in the log, so whichever of `run`, `resolve` and a takeover records
 * one first wins and the others adopt it. Several coordinators may share one log: each works on
 * the transactions leased to it, renews those leases while it works, and takes over the ones
 * whose lease ran out (`start`).
 */
export class Coordinator {
  private readonly log: DecisionLog;
  private readonly participants: (name: string) => Participant | undefined;
  private readonly onEvent: ((event: CoordinatorEvent) => void) | undefined;
  private readonly checkpoint: ((point: Checkpoint, txid: bigint) => Promise<void>) | undefined;
  private readonly settings: Settings;
  private readonly retry: RetryPolicy;
  private readonly closing = new AbortController();
  /** Transactions in phase 1 in this process, so a repeated `run` joins instead of re-preparing. */
  private readonly runs = new Map<bigint, Running>();
  /** Transactions whose phase 2 this process is driving. */
  private readonly drivers = new Map<bigint, Driver>();
  /** `resolve` calls still answering, so `close` waits for the decisions they write. */
  private readonly resolving = new Set<Promise<Decision>>();
  private readonly refused = new Map<string, StuckDelivery>();
  private maintenance: Promise<unknown> | undefined;

  constructor(options: CoordinatorOptions) {
    // Every call in flight listens on this signal (and stops listening when it settles), so the
    // count grows with load rather than with a leak.
    setMaxListeners(0, this.closing.signal);
    this.log = options.log;
    this.participants = options.participants;
    this.onEvent = options.onEvent;
    this.checkpoint = options.checkpoint;
    this.settings = settingsFrom(options);
    this.retry = {
      initialMs: this.settings.retryInitialMs,
      maxMs: this.settings.retryMaxMs,
      clock: this.settings.clock,
      random: this.settings.random,
    };
  }

  /**
   * Runs two-phase commit for `tx` and resolves with its outcome as soon as the decision is
   * durable; phase 2 goes on in the background. A txid that is already decided gets its logged
   * outcome with no Prepare sent; one already running here is joined. A txid that is logged
   * but undecided (its INITIATED written by the caller, or by a coordinator that died) runs
   * phase 1 without initiating again: Prepare is idempotent and the decision is write-once.
   * @throws InvalidArgument for a malformed transaction, TransactionMismatch if the txid is
   *   known with different legs, CoordinatorClosed after `close`.
   */
  async run(tx: Transaction): Promise<Outcome> {
    checkTransaction(tx);
    this.assertOpen();
    const current = this.runs.get(tx.txid);
    if (current !== undefined) {
      const field = legsDiffer(current.legs, tx.legs);
      if (field !== undefined) throw new TransactionMismatch(tx.txid, field);
      return current.outcome;
    }
    const outcome = this.execute(tx);
    this.runs.set(tx.txid, { legs: tx.legs, outcome });
    try {
      return await outcome;
    } finally {
      this.runs.delete(tx.txid);
    }
  }

  /**
   * Answers an in-doubt participant. A decided txid gets its decision. An undecided one (even if
   * phase 1 is running right now) is decided ABORT by presumed abort, and that answer is recorded
   * so it can never change. A txid never logged gets ABORT and nothing is recorded: INITIATED is
   * durable before any Prepare, so no participant can hold a leg of it, and a caller cannot
   * abort a future transaction by asking about it.
   */
  async resolve(txid: bigint): Promise<Decision> {
    checkTxid(txid);
    this.assertOpen();
    const answer = this.answer(txid);
    this.resolving.add(answer);
    try {
      return await answer;
    } finally {
      this.resolving.delete(answer);
    }
  }

  private async answer(txid: bigint): Promise<Decision> {
    const logged = await this.log.get(txid);
    if (logged === undefined) return 'ABORT';
    if (logged.decision !== undefined) return logged.decision;
    const record = await this.decide(txid, 'ABORT', { kind: 'PRESUMED' });
    // A run in phase 1 here adopts this decision and drives phase 2 itself.
    if (!this.runs.has(txid)) this.drive(record);
    return outcomeOf(record).decision;
  }

  /**
   * One takeover pass: takes over every orphaned transaction in the log (its lease ran out, or
   * an earlier incarnation of this owner held it) and finishes it in the background: phase 1
   * again for an undecided one (Prepare is idempotent; a presumed abort recorded meanwhile wins),
   * phase 2 for a decided one.
   */
  async recover(): Promise<RecoveryReport> {
    this.assertOpen();
    const resumed: bigint[] = [];
    const redriven: bigint[] = [];
    for (;;) {
      const batch = await this.log.takeOver(TAKE_OVER_BATCH);
      for (const record of batch) {
        this.emit({ type: 'TAKEN_OVER', txid: record.txid, state: record.state });
        if (record.decision !== undefined) {
          this.drive(record);
          redriven.push(record.txid);
        } else if (!this.runs.has(record.txid)) {
          this.resume(record);
          resumed.push(record.txid);
        }
      }
      if (batch.length < TAKE_OVER_BATCH) break;
    }
    return { resumed, redriven };
  }

  /**
   * Takes over what is orphaned (`recover`), then keeps doing so every `takeOverMs` and renews the
   * leases of the transactions this coordinator works on every `renewMs`, until `close`.
   * Resolves with the first pass's report.
   */
  async start(): Promise<RecoveryReport> {
    const report = await this.recover();
    this.maintenance ??= Promise.all([
      this.every(this.settings.takeOverMs, 'takeover', () => this.recover()),
      this.every(this.settings.renewMs, 'renew', () => this.renewLeases()),
    ]);
    return report;
  }

  /** Legs whose participant keeps refusing the decision, oldest first. */
  stuck(): StuckDelivery[] {
    return [...this.refused.values()].sort((a, b) => a.since - b.since);
  }

  /** How many transactions this process is working on, by phase. */
  active(): { readonly phaseOne: number; readonly phaseTwo: number } {
    return { phaseOne: this.runs.size, phaseTwo: this.drivers.size };
  }

  /**
   * Resolves when no transaction is in phase 1 or phase 2 in this process and no `resolve` is
   * still answering. While a participant keeps failing to acknowledge, that is never; `close`
   * stops the retries instead.
   */
  async idle(): Promise<void> {
    while (this.runs.size > 0 || this.drivers.size > 0 || this.resolving.size > 0) {
      const outcomes = [...this.runs.values()].map((r) => r.outcome);
      const deliveries = [...this.drivers.values()].map((d) => d.work);
      await Promise.allSettled([...outcomes, ...deliveries, ...this.resolving]);
    }
  }

  /**
   * Stops this instance: nothing more is sent, runs still in phase 1 reject with
   * CoordinatorClosed, phase-2 deliveries and the takeover loop stop, and the leases of what it
   * was working on are released, so another coordinator (or this one's next start) takes the
   * work over at once. Resolves once all of that has settled. Does not close the log.
   */
  async close(): Promise<void> {
    const working = [...new Set([...this.runs.keys(), ...this.drivers.keys()])];
    this.closing.abort();
    await this.maintenance;
    await this.idle();
    // Hand what this instance was working on to the others now, rather than after the lease.
    if (working.length > 0) await this.log.release(working).catch(() => undefined);
  }

  private async execute(tx: Transaction): Promise<Outcome> {
    const logged = await this.log.get(tx.txid);
    if (logged?.decision !== undefined) return this.adopt(logged, tx);
    if (logged === undefined || logged.legs.length === 0) {
      this.assertOpen();
      await this.log.initiate(tx);
    } else {
      const field = legsDiffer(logged.legs, tx.legs);
      if (field !== undefined) throw new TransactionMismatch(tx.txid, field);
    }
    this.emit({ type: 'INITIATED', txid: tx.txid, legs: tx.legs });
    await this.checkpoint?.('INITIATED', tx.txid);
    this.assertOpen();
    const cause = await collectVotes(tx, {
      participants: this.participants,
      clock: this.settings.clock,
      prepareMs: this.settings.prepareMs,
      signal: this.closing.signal,
      onVote: (leg, vote) => this.emit({ type: 'PREPARED_VOTE', txid: tx.txid, leg, vote }),
    });
    await this.checkpoint?.('VOTED', tx.txid);
    const record = await this.decide(tx.txid, cause === undefined ? 'COMMIT' : 'ABORT', cause);
    this.drive(record);
    return outcomeOf(record);
  }

  /** Runs phase 1 again, in the background, for an undecided transaction taken over. */
  private resume(record: LogRecord): void {
    if (record.legs.length === 0) {
      this.decide(record.txid, 'ABORT', { kind: 'PRESUMED' }).then(
        (decided) => this.drive(decided),
        () => undefined,
      );
      return;
    }
    // A failure here (the log unreachable, the coordinator closing) leaves the lease to run out,
    // and the transaction to the next takeover.
    this.run({ txid: record.txid, legs: record.legs }).catch(() => undefined);
  }

  /** The outcome of an already decided txid; makes sure its phase 2 is being driven. */
  private adopt(record: LogRecord, tx: Transaction): Outcome {
    if (record.legs.length > 0) {
      const field = legsDiffer(record.legs, tx.legs);
      if (field !== undefined) throw new TransactionMismatch(tx.txid, field);
    }
    if (record.state !== 'DONE') this.drive(record);
    return outcomeOf(record);
  }

  /** Records `decision` unless one exists, and returns the record with the decision that won. */
  private async decide(
    txid: bigint,
    decision: Decision,
    cause: AbortCause | undefined,
  ): Promise<LogRecord> {
    this.assertOpen();
    await this.log.decide(txid, decision, cause);
    const record = await this.log.get(txid);
    if (record?.decision === undefined) {
      throw new Internal(`the decision for txid ${txid} is missing from the log`);
    }
    this.emit({
      type: 'DECIDED',
      txid,
      decision: record.decision,
      ...(record.cause === undefined ? {} : { cause: record.cause }),
    });
    await this.checkpoint?.('DECIDED', txid);
    return record;
  }

  /** Starts phase 2 for a decided record in the background, unless it is already running here. */
  private drive(record: LogRecord): void {
    const { txid, legs, decision } = record;
    if (decision === undefined || this.drivers.has(txid) || this.closing.signal.aborted) return;
    const stop = new AbortController();
    const signal = AbortSignal.any([this.closing.signal, stop.signal]);
    setMaxListeners(0, signal);
    const work = (async () => {
      try {
        if (await deliverDecision(txid, legs, decision, this.phaseTwo(txid, decision, signal))) {
          await this.finish(txid, decision, signal);
        }
      } finally {
        this.drivers.delete(txid);
        for (const leg of legs) this.refused.delete(`${txid}-${leg.kind}`);
      }
    })();
    this.drivers.set(txid, { work, stop });
  }

  /** Writes DONE, retrying a failed write like an unacknowledged message. */
  private async finish(txid: bigint, decision: Decision, signal: AbortSignal): Promise<void> {
    const done = await persist(
      async () => {
        this.assertOpen();
        await this.log.markDone(txid);
      },
      this.retry,
      signal,
      (attempt, delayMs, error) =>
        this.emit({ type: 'RETRY', txid, leg: undefined, decision, attempt, delayMs, error }),
    );
    if (done) this.emit({ type: 'DONE', txid, decision });
  }

  private phaseTwo(txid: bigint, decision: Decision, signal: AbortSignal): PhaseTwoContext {
    return {
      participants: this.participants,
      ackMs: this.settings.ackMs,
      retry: this.retry,
      refusedMaxMs: this.settings.refusedRetryMaxMs,
      signal,
      onAck: async (leg) => {
        this.refused.delete(`${txid}-${leg.kind}`);
        this.emit({ type: 'ACKED', txid, leg, decision });
        await this.checkpoint?.('ACKED', txid);
      },
      onRetry: (leg, attempt, delayMs, error) => {
        if (!isRefusal(error)) {
          this.emit({ type: 'RETRY', txid, leg, decision, attempt, delayMs, error });
          return;
        }
        const key = `${txid}-${leg.kind}`;
        const since = this.refused.get(key)?.since ?? this.settings.clock.now();
        const message = error instanceof Error ? error.message : String(error);
        this.refused.set(key, { txid, leg, decision, attempts: attempt, since, error: message });
        this.emit({ type: 'REFUSED', txid, leg, decision, attempt, delayMs, error });
      },
    };
  }

  /** Renews the leases this coordinator works under; stops delivering what another took over. */
  private async renewLeases(): Promise<void> {
    const working = new Set([...this.runs.keys(), ...this.drivers.keys()]);
    if (working.size === 0) return;
    for (const txid of await this.log.renew([...working])) {
      const driver = this.drivers.get(txid);
      if (driver === undefined) continue;
      driver.stop.abort();
      this.emit({ type: 'LOST', txid });
    }
  }

  /** Runs `work` every `ms` until close; a failure is reported and the next round tries again. */
  private async every(
    ms: number,
    what: 'takeover' | 'renew',
    work: () => Promise<unknown>,
  ): Promise<void> {
    const { clock } = this.settings;
    for (;;) {
      try {
        await clock.sleep(ms, this.closing.signal);
        await work();
      } catch (error) {
        if (this.closing.signal.aborted) return;
        this.emit({ type: 'MAINTENANCE_FAILED', txid: undefined, what, error });
      }
    }
  }

  private assertOpen(): void {
    if (this.closing.signal.aborted) throw new CoordinatorClosed();
  }

  private emit(event: CoordinatorEvent): void {
    if (this.onEvent === undefined) return;
    try {
      this.onEvent(event);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}
