import { LegStateConflict, UnknownLeg } from '@strife/domain';
import type { Leg, LegKind, Participant, Transaction, Vote } from '../src';

/**
 * How a fake participant answers Prepare for one leg:
 * YES / NO; THROW (unreachable, nothing recorded); LOST_REPLY (prepares, then the reply is lost);
 * HANG (never answers, rejects when the signal aborts); LATE_PREPARE (hangs, and the Prepare
 * lands just as the coordinator gives up, leaving the leg PREPARED).
 */
export type PrepareScript = 'YES' | 'NO' | 'THROW' | 'LOST_REPLY' | 'HANG' | 'LATE_PREPARE';

export interface LegScript {
  prepare?: PrepareScript;
  /** Commit/Abort is applied but its acknowledgement is lost this many times. */
  lostAcks?: number;
  /** Commit/Abort is lost before it is applied this many times. */
  dropped?: number;
}

export type LegState = 'PREPARED' | 'COMMITTED' | 'ABORTED';
type Op = 'prepare' | 'commit' | 'abort';

const key = (txid: bigint, kind: LegKind): string => `${txid}-${kind}`;

/**
 * An in-memory participant that behaves like a bank's 2PC log: PREPARED before voting YES,
 * idempotent repeats, Abort of an unknown leg recorded as ABORTED (so a late Prepare is refused),
 * Commit after Abort and Abort after Commit refused. Every refusal is also kept in `violations`,
 * since a correct coordinator never causes one.
 */
export class FakeParticipant implements Participant {
  readonly received: { op: Op; txid: bigint; kind: LegKind }[] = [];
  readonly violations: string[] = [];
  private readonly states = new Map<string, LegState>();
  private readonly scripts = new Map<string, LegScript>();
  private gate: Promise<void> | undefined;
  /** Called on every message as it arrives, before it is handled. */
  onMessage: ((op: Op, txid: bigint, leg: Leg) => void) | undefined;

  constructor(readonly name: string) {}

  script(txid: bigint, kind: LegKind, script: LegScript): this {
    this.scripts.set(key(txid, kind), { ...script });
    return this;
  }

  state(txid: bigint, kind: LegKind): LegState | undefined {
    return this.states.get(key(txid, kind));
  }

  entries(): { txid: bigint; kind: LegKind; state: LegState }[] {
    return [...this.states].map(([k, state]) => {
      const [txid = '', kind] = k.split('-');
      return { txid: BigInt(txid), kind: kind as LegKind, state };
    });
  }

  count(op: Op, txid?: bigint): number {
    return this.received.filter((m) => m.op === op && (txid === undefined || m.txid === txid))
      .length;
  }

  /** Holds every Commit/Abort until the returned function is called. */
  blockPhaseTwo(): () => void {
    let release = (): void => undefined;
    this.gate = new Promise<void>((resolve) => {
      release = () => {
        this.gate = undefined;
        resolve();
      };
    });
    return release;
  }

  prepare(txid: bigint, leg: Leg, signal: AbortSignal): Promise<Vote> {
    this.arrive('prepare', txid, leg);
    const k = key(txid, leg.kind);
    const existing = this.states.get(k);
    if (existing === 'ABORTED') return Promise.resolve({ vote: 'NO', reason: 'ALREADY_ABORTED' });
    if (existing !== undefined) return Promise.resolve({ vote: 'YES' });
    switch (this.scripts.get(k)?.prepare ?? 'YES') {
      case 'YES':
        this.states.set(k, 'PREPARED');
        return Promise.resolve({ vote: 'YES' });
      case 'NO':
        this.states.set(k, 'ABORTED');
        return Promise.resolve({ vote: 'NO', reason: 'INSUFFICIENT_FUNDS', detail: leg.account });
      case 'THROW':
        return Promise.reject(new Error(`${this.name} is unreachable`));
      case 'LOST_REPLY':
        this.states.set(k, 'PREPARED');
        return Promise.reject(new Error(`${this.name}: reply lost`));
      case 'HANG':
        return this.untilAborted(signal, () => undefined);
      case 'LATE_PREPARE':
        return this.untilAborted(signal, () => {
          if (!this.states.has(k)) this.states.set(k, 'PREPARED');
        });
    }
  }

  async commit(txid: bigint, leg: Leg): Promise<void> {
    await this.phaseTwo('commit', txid, leg, 'COMMITTED', 'ABORTED');
  }

  async abort(txid: bigint, leg: Leg): Promise<void> {
    await this.phaseTwo('abort', txid, leg, 'ABORTED', 'COMMITTED');
  }

  private arrive(op: Op, txid: bigint, leg: Leg): void {
    this.received.push({ op, txid, kind: leg.kind });
    this.onMessage?.(op, txid, leg);
  }

  private async phaseTwo(
    op: 'commit' | 'abort',
    txid: bigint,
    leg: Leg,
    target: LegState,
    conflicting: LegState,
  ): Promise<void> {
    this.arrive(op, txid, leg);
    await this.gate;
    const k = key(txid, leg.kind);
    const script = this.scripts.get(k) ?? {};
    if ((script.dropped ?? 0) > 0) {
      script.dropped = (script.dropped ?? 0) - 1;
      throw new Error(`${this.name}: ${op} lost on the way`);
    }
    const state = this.states.get(k);
    if (state === conflicting) {
      this.violations.push(`${op} of ${state} leg ${k}`);
      throw new LegStateConflict(k, state, op);
    }
    if (state === undefined && op === 'commit') {
      this.violations.push(`commit of unknown leg ${k}`);
      throw new UnknownLeg(k);
    }
    this.states.set(k, target);
    if ((script.lostAcks ?? 0) > 0) {
      script.lostAcks = (script.lostAcks ?? 0) - 1;
      throw new Error(`${this.name}: ${op} acknowledgement lost`);
    }
  }

  private untilAborted(signal: AbortSignal, onAbort: () => void): Promise<Vote> {
    return new Promise<Vote>((_resolve, reject) => {
      const stop = (): void => {
        onAbort();
        reject(new Error(`${this.name}: prepare cancelled`));
      };
      if (signal.aborted) stop();
      else signal.addEventListener('abort', stop, { once: true });
    });
  }
}

/** A set of named fake participants; `lookup` is what the coordinator is given. */
export class Network {
  private readonly byName = new Map<string, FakeParticipant>();

  constructor(names: readonly string[]) {
    for (const name of names) this.byName.set(name, new FakeParticipant(name));
  }

  readonly lookup = (name: string): Participant | undefined => this.byName.get(name);

  get(name: string): FakeParticipant {
    const participant = this.byName.get(name);
    if (participant === undefined) throw new Error(`no participant ${name}`);
    return participant;
  }

  all(): FakeParticipant[] {
    return [...this.byName.values()];
  }

  /** The state of every leg of `tx`, in leg order. */
  states(tx: Transaction): (LegState | undefined)[] {
    return tx.legs.map((leg) => this.byName.get(leg.participant)?.state(tx.txid, leg.kind));
  }
}
