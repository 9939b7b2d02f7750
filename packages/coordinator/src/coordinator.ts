import { setMaxListeners } from 'node:events';
import { Internal } from '@strife/domain';
import type { DecisionLog, LogRecord } from './decisionLog';
import { CoordinatorClosed, TransactionMismatch } from './errors';
import type { CoordinatorEvent } from './events';
import { settingsFrom, type CoordinatorOptions, type Settings } from './options';
import { collectVotes } from './phaseOne';
import { deliverDecision, type PhaseTwoContext } from './phaseTwo';
import { persist, type RetryPolicy } from './retry';
import { checkTransaction, checkTxid, legsDiffer } from './transaction';
import type { AbortCause, Decision, Leg, Outcome, Participant, Transaction } from './types';

/** What `recover` did: txids it presumed aborted, and txids whose phase 2 it (re)started. */
export interface RecoveryReport {
  readonly aborted: bigint[];
  readonly redriven: bigint[];
}

interface Running {
  readonly legs: readonly Leg[];
  readonly outcome: Promise<Outcome>;
}

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
 * Decisions are write-once in the log, so whichever of `run`, `resolve` and `recover` records
 * one first wins and the others adopt it.
 */
export class Coordinator {
  private readonly log: DecisionLog;
  private readonly participants: (name: string) => Participant | undefined;
  private readonly onEvent: ((event: CoordinatorEvent) => void) | undefined;
  private readonly settings: Settings;
  private readonly retry: RetryPolicy;
  private readonly closing = new AbortController();
  /** Transactions in phase 1 in this process, so a repeated `run` joins instead of re-preparing. */
  private readonly runs = new Map<bigint, Running>();
  /** Transactions whose phase 2 this process is driving. */
  private readonly drivers = new Map<bigint, Promise<void>>();
  /** `resolve` calls still answering, so `close` waits for the decisions they write. */
  private readonly resolving = new Set<Promise<Decision>>();

  constructor(options: CoordinatorOptions) {
    // Every call in flight listens on this signal (and stops listening when it settles), so the
    // count grows with load rather than with a leak.
    setMaxListeners(0, this.closing.signal);
    this.log = options.log;
    this.participants = options.participants;
    this.onEvent = options.onEvent;
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
   * but undecided and not running here (e.g. a client retry after a crash, before `recover`)
   * runs phase 1 again: Prepare is idempotent and the decision is write-once.
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
   * Answers an in-doubt participant. A decided txid gets its decision; any other (undecided,
   * even if phase 1 is running right now, or unknown) is decided ABORT by presumed abort, and
   * that answer is recorded so it can never change.
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
    if (logged?.decision !== undefined) return logged.decision;
    const record = await this.decide(txid, 'ABORT', { kind: 'PRESUMED' });
    // A run in phase 1 here adopts this decision and drives phase 2 itself.
    if (!this.runs.has(txid)) this.drive(record);
    return outcomeOf(record).decision;
  }

  /**
   * Call once at start. Decides ABORT for every INITIATED transaction without a decision
   * (except ones in phase 1 in this process), then re-drives phase 2 in the background for
   * every decided transaction that is not DONE, the newly aborted ones included.
   */
  async recover(): Promise<RecoveryReport> {
    this.assertOpen();
    const aborted: bigint[] = [];
    for (const record of await this.log.undecided()) {
      if (this.runs.has(record.txid)) continue;
      const decided = await this.decide(record.txid, 'ABORT', { kind: 'PRESUMED' });
      if (decided.decision === 'ABORT') aborted.push(record.txid);
    }
    const redriven: bigint[] = [];
    for (const record of await this.log.unfinished()) {
      if (this.runs.has(record.txid)) continue;
      this.drive(record);
      redriven.push(record.txid);
    }
    return { aborted, redriven };
  }

  /**
   * Resolves when no transaction is in phase 1 or phase 2 in this process and no `resolve` is
   * still answering. While a participant keeps failing to acknowledge, that is never; `close`
   * stops the retries instead.
   */
  async idle(): Promise<void> {
    while (this.runs.size > 0 || this.drivers.size > 0 || this.resolving.size > 0) {
      const outcomes = [...this.runs.values()].map((r) => r.outcome);
      await Promise.allSettled([...outcomes, ...this.drivers.values(), ...this.resolving]);
    }
  }

  /**
   * Stops this instance: nothing more is written or sent, runs still in phase 1 reject with
   * CoordinatorClosed, and phase-2 deliveries stop (`recover` resumes them on the next start).
   * Resolves once all of that has settled. Does not close the log.
   */
  async close(): Promise<void> {
    this.closing.abort();
    await this.idle();
  }

  private async execute(tx: Transaction): Promise<Outcome> {
    const logged = await this.log.get(tx.txid);
    if (logged?.decision !== undefined) return this.adopt(logged, tx);
    this.assertOpen();
    await this.log.initiate(tx);
    this.emit({ type: 'INITIATED', txid: tx.txid, legs: tx.legs });
    this.assertOpen();
    const cause = await collectVotes(tx, {
      participants: this.participants,
      clock: this.settings.clock,
      prepareMs: this.settings.prepareMs,
      signal: this.closing.signal,
      onVote: (leg, vote) => this.emit({ type: 'PREPARED_VOTE', txid: tx.txid, leg, vote }),
    });
    const record = await this.decide(tx.txid, cause === undefined ? 'COMMIT' : 'ABORT', cause);
    this.drive(record);
    return outcomeOf(record);
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
    return record;
  }

  /** Starts phase 2 for a decided record in the background, unless it is already running here. */
  private drive(record: LogRecord): void {
    const { txid, legs, decision } = record;
    if (decision === undefined || this.drivers.has(txid) || this.closing.signal.aborted) return;
    const work = (async () => {
      try {
        if (await deliverDecision(txid, legs, decision, this.phaseTwo(txid, decision))) {
          await this.finish(txid, decision);
        }
      } finally {
        this.drivers.delete(txid);
      }
    })();
    this.drivers.set(txid, work);
  }

  /** Writes DONE, retrying a failed write like an unacknowledged message. */
  private async finish(txid: bigint, decision: Decision): Promise<void> {
    const signal = this.closing.signal;
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

  private phaseTwo(txid: bigint, decision: Decision): PhaseTwoContext {
    return {
      participants: this.participants,
      ackMs: this.settings.ackMs,
      retry: this.retry,
      signal: this.closing.signal,
      onAck: (leg) => this.emit({ type: 'ACKED', txid, leg, decision }),
      onRetry: (leg, attempt, delayMs, error) =>
        this.emit({ type: 'RETRY', txid, leg, decision, attempt, delayMs, error }),
    };
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
