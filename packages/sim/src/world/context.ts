import type { Random } from '../engine/random';
import type { Scheduler } from '../engine/scheduler';
import type { Stats } from '../engine/stats';
import type { Trace } from '../engine/trace';
import type { Invariant } from '../checks/violation';
import type { Mutation } from '../mutations';
import type { Rpc } from '../net/rpc';
import type { WorldConfig } from './config';

/** A simulated process: a bank or a gateway instance. */
export interface SimNode {
  readonly name: string;
  /** Whether its current life is up (started and not crashed). */
  readonly alive: boolean;
  /** Starts a new life; does nothing if one is alive. */
  start(): void;
  /** Ends the current life on the spot. */
  crash(): void;
}

/** What the checkers are told as the run goes. */
export interface Monitor {
  /** The durable state of `txid` may have changed: check it after this step. */
  touch(txid: bigint): void;
  /** A bank's books may have changed: check them after this step. */
  booksChanged(bank: string): void;
  /** Something that must never happen happened. */
  violation(invariant: Invariant, message: string, tags: readonly string[]): void;
}

/** The nemesis as nodes see it: whether a crash strikes here, and how to crash. */
export interface Crashes {
  /** True (and then the caller crashes itself through `crash`) with probability `rate` while faults are on. */
  strikes(rate: number): boolean;
  /** Crashes `node` now and schedules its restart. */
  crash(node: SimNode, why: string): void;
}

/** Everything a node of the simulated world reaches. */
export interface World {
  readonly config: WorldConfig;
  readonly scheduler: Scheduler;
  readonly rpc: Rpc;
  readonly trace: Trace;
  readonly monitor: Monitor;
  readonly stats: Stats;
  readonly crashes: Crashes;
  readonly mutation: Mutation;
  /** Simulated fsync latency and other storage draws. */
  readonly storage: Random;
  /** Each node's own stream (jitter, which gateway to ask). */
  stream(node: string): Random;
  /** The TxId service: unique, increasing txids, never repeated across restarts. */
  nextTxid(): bigint;
}
